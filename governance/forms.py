"""Forms of the governance dashboards: report parameters, generation, schedules, findings."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.choices import FindingKind, FindingStatus, RealitySourceKind
from governance.models import RegulatoryFramework, ReportSchedule, SchedulePeriod
from inventory.choices import ModelStage, RiskTier
from inventory.models import MLModel, Team

__all__ = [
    "AnnexIVParametersForm",
    "ApprovalsLogParametersForm",
    "AuditExtractParametersForm",
    "FindingWorkForm",
    "FindingsParametersForm",
    "InventoryParametersForm",
    "PeriodParametersForm",
    "RealityListingUploadForm",
    "RegulatoryMappingParametersForm",
    "ReportParametersForm",
    "ReportScheduleForm",
    "ReviewRecordForm",
]

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKBOXES = forms.CheckboxSelectMultiple


class StyledForm:
    """Bootstrap classes on every widget (checkbox lists are laid out by the template)."""

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ReportParametersForm(StyledForm, forms.Form):
    """Base of every report's parameter form: knows who asks (choices are restricted)."""

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.style_widgets()


class InventoryParametersForm(ReportParametersForm):
    risk_tier = forms.MultipleChoiceField(choices=RiskTier.choices, required=False,
                                          widget=CHECKBOXES, label="Risk tiers",
                                          help_text="None ticked: every tier.")
    stage = forms.MultipleChoiceField(choices=ModelStage.choices, required=False,
                                      widget=CHECKBOXES, label="Stages",
                                      help_text="None ticked: every stage.")


class PeriodParametersForm(ReportParametersForm):
    """A period of at most a year, both days included."""

    start = forms.DateField(widget=DATE_INPUT, label="From (inclusive)")
    end = forms.DateField(widget=DATE_INPUT, label="To (inclusive)")

    MAX_DAYS = 366

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the period is before its start.")
            elif (end - start) > timedelta(days=self.MAX_DAYS):
                self.add_error("end", f"A period covers at most {self.MAX_DAYS} days.")
        return data


class AuditExtractParametersForm(PeriodParametersForm):
    """The period of the audit-trail extract."""


class ApprovalsLogParametersForm(PeriodParametersForm):
    risk_tier = forms.MultipleChoiceField(choices=RiskTier.choices, required=False,
                                          widget=CHECKBOXES, label="Risk tiers",
                                          help_text="None ticked: every tier.")


class RegulatoryMappingParametersForm(ReportParametersForm):
    frameworks = forms.ModelMultipleChoiceField(
        queryset=RegulatoryFramework.objects.none(), widget=CHECKBOXES,
        help_text="Frameworks with a version in force.")
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False,
                                  help_text="Empty: the models of every team.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["frameworks"].queryset = RegulatoryFramework.objects.filter(
            versions__is_current=True).order_by("short_name")


class FindingsParametersForm(ReportParametersForm):
    status = forms.MultipleChoiceField(choices=FindingStatus.choices, required=False,
                                       widget=CHECKBOXES, help_text="None ticked: every status.")
    kind = forms.MultipleChoiceField(choices=FindingKind.choices, required=False,
                                     widget=CHECKBOXES, help_text="None ticked: every kind.")


class AnnexIVParametersForm(ReportParametersForm):
    """Annex IV documentation applies to high-risk AI systems (EU AI Act art. 11)."""

    model = forms.ModelChoiceField(queryset=MLModel.objects.none(), label="High-risk model")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()
        visible = MLModel.objects.restrict(self.user, "view") if self.user else MLModel.objects.none()
        self.fields["model"].queryset = visible.filter(
            risk_tier__in=[RiskTier.HIGH, RiskTier.CRITICAL]).order_by("name")


class ReportScheduleForm(StyledForm, forms.ModelForm):
    reason = forms.CharField(max_length=300, initial="Scheduled from the reports page",
                             help_text="Kept in the schedule's history.")

    class Meta:
        model = ReportSchedule
        fields = ["name", "template", "format", "every", "period", "starts_at", "enabled"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                    format="%Y-%m-%dT%H:%M"),
                   "template": forms.Select()}
        help_texts = {"every": "With the period: e.g. 1 + days is a daily report.",
                      "starts_at": "When the first report is produced."}

    def __init__(self, *args, templates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].widget.choices = [(t.key, t.title) for t in templates]
        self.fields["period"].choices = SchedulePeriod.choices
        if not self.initial.get("starts_at") and self.instance.pk is None:
            self.initial["starts_at"] = timezone.localtime().replace(second=0, microsecond=0)
        if self.instance.pk is not None:
            # Parameters stay as scheduled: changing them is a new schedule.
            self.fields["template"].disabled = True
        self.style_widgets()


class PersonChoiceField(forms.ModelChoiceField):
    """People by name (user name in brackets), never by id."""

    def label_from_instance(self, user) -> str:
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class FindingWorkForm(StyledForm, forms.Form):
    status = forms.ChoiceField(choices=[(FindingStatus.OPEN, FindingStatus.OPEN.label),
                                        (FindingStatus.IN_PROGRESS, FindingStatus.IN_PROGRESS.label),
                                        (FindingStatus.RESOLVED, FindingStatus.RESOLVED.label)],
                               required=False)
    owner = PersonChoiceField(queryset=get_user_model().objects.filter(is_active=True)
                              .order_by("first_name", "last_name", "username"), required=False,
                              help_text="Who must fix it.")
    due_on = forms.DateField(widget=DATE_INPUT, required=False, label="Due on")
    reason = forms.CharField(max_length=300, help_text="Kept in the finding's history.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class ReviewRecordForm(StyledForm, forms.Form):
    reviewed_on = forms.DateField(widget=DATE_INPUT, required=False,
                                  help_text="Empty: today.")
    reason = forms.CharField(max_length=500, label="Conclusion",
                             help_text="What was reviewed and concluded (kept in the history).")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class RealityListingUploadForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(choices=RealitySourceKind.choices, label="What the file lists")
    source = forms.CharField(max_length=100, label="Platform or store",
                             help_text="The platform or store it comes from, e.g. "
                                       "sagemaker-eu-west-1; its next listing replaces this one.")
    file = forms.FileField(help_text="CSV with a header row (model_name, version, environment, "
                                     "region, endpoint; or artifact_uri for stored files), or "
                                     "JSON: a list of such items.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()
