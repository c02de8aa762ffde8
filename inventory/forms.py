"""Dashboard forms of the inventory app.

Forms translate and delegate: the registration form asks the catalogue service which
problems a registration has (the same rules the API and the admin apply) and shows each
next to its field; nothing is decided here.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from inventory.choices import AssetType, TrackedArtefact
from inventory.models import ComplianceTag, MLModel, Team

__all__ = ["CompletenessFilterForm", "MLModelDeleteForm", "MLModelForm", "SavedSearchForm"]


# --------------------------------------------------------------------------------------
# Registering and editing a model
# --------------------------------------------------------------------------------------
class OptionalJSONField(forms.JSONField):
    """A JSON box that shows nothing (not `null`) when there is no document yet."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class MLModelForm(forms.ModelForm):
    """Register a model, or change its metadata, through the same checks as the API and admin.

    `clean()` asks `registration_problems` (inventory.services.standards) for every problem
    and puts each message next to its field; the view then hands `cleaned_data` to the
    catalogue service, which checks again inside its transaction and writes.
    """

    tags = forms.CharField(
        required=False, label="Free tags",
        help_text="Words that help people find the model, separated by commas, e.g. "
                  "scoring, retail.")
    tracked_artefacts = forms.MultipleChoiceField(
        choices=TrackedArtefact.choices, required=False,
        widget=forms.CheckboxSelectMultiple, label="Tracked and versioned",
        help_text="Which artefacts of this model the inventory tracks and versions.")
    source_url = forms.URLField(required=False, assume_scheme="https", max_length=200,
                                label="Source URL (where it was obtained)")
    change_reason = forms.CharField(
        required=False, max_length=200, label="Why (reason for this change)",
        help_text="Kept in the history of changes, e.g. “Annual review”.")

    SECTIONS = [
        ("What it is", ["name", "purpose", "description", "domain", "purpose_category",
                        "risk_tier"]),
        ("Who is responsible", ["owner", "steward", "team", "confidential", "tags",
                                "compliance_tags"]),
        ("Where it came from (third-party and open-weights models)",
         ["origin", "supplier", "source_url", "licence", "permitted_uses", "redistribution",
          "redistribution_terms", "attribution"]),
        ("How it was built and how it runs",
         ["training_date", "training_environment", "inference_requirements",
          "evaluation_metrics", "input_schema", "output_schema", "tracked_artefacts",
          "versioning_strategy"]),
        ("Cost (for the accounting classification)", ["development_cost"]),
    ]

    class Meta:
        model = MLModel
        fields = [
            "name", "purpose", "description", "domain", "purpose_category", "risk_tier",
            "owner", "steward", "team", "confidential", "compliance_tags",
            "origin", "supplier", "source_url", "licence", "permitted_uses", "redistribution",
            "redistribution_terms", "attribution",
            "training_date", "training_environment", "inference_requirements",
            "evaluation_metrics", "input_schema", "output_schema", "development_cost",
            "versioning_strategy",
        ]
        labels = {
            "purpose": "Purpose (what it is for, in plain words)",
            "risk_tier": "Risk tier",
            "owner": "Owner (accountable)",
            "steward": "Steward (day-to-day care)",
            "licence": "Licence (SPDX identifier or expression)",
            "redistribution": "May it be passed on? (redistribution)",
            "attribution": "Credit the licence requires (attribution)",
            "evaluation_metrics": "Evaluation metrics",
            "input_schema": "Input schema (JSON Schema)",
            "output_schema": "Output schema (JSON Schema)",
            "development_cost": "Development cost (EUR)",
            "compliance_tags": "Compliance tags",
            "domain": "Domain",
        }
        field_classes = {"input_schema": OptionalJSONField, "output_schema": OptionalJSONField}
        help_texts = {
            "name": "Lowercase words joined by hyphens: domain-purpose-variant, e.g. "
                    "credit-default-xgb.",
            "evaluation_metrics": 'Metric name to value, e.g. {"auc": 0.82, "f1": 0.64}.',
            "input_schema": 'A JSON Schema document, e.g. {"type": "object", "properties": '
                            '{"income": {"type": "number"}}}.',
            "output_schema": 'A JSON Schema document, e.g. {"type": "number"}.',
            "risk_tier": "Set by hand until a risk assessment computes it.",
        }
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "permitted_uses": forms.Textarea(attrs={"rows": 2}),
            "redistribution_terms": forms.Textarea(attrs={"rows": 2}),
            "attribution": forms.Textarea(attrs={"rows": 2}),
            "training_environment": forms.Textarea(attrs={"rows": 2}),
            "inference_requirements": forms.Textarea(attrs={"rows": 2}),
            "evaluation_metrics": forms.Textarea(attrs={"rows": 2}),
            "input_schema": forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
            "output_schema": forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
            # A date picker needs ISO dates whatever the display locale.
            "training_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "compliance_tags": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        people = get_user_model().objects.filter(is_active=True).order_by("username")
        for name in ("owner", "steward"):
            old = self.fields[name]
            self.fields[name] = PersonChoiceField(
                queryset=people, required=False, label=old.label, help_text=old.help_text)
        # Choices are restricted like every other read (house style, "Permissions").
        self.fields["team"].queryset = Team.objects.restrict(user, "view").order_by("name")
        self.fields["compliance_tags"].queryset = ComplianceTag.objects.order_by("name")
        self.fields["name"].widget.attrs.setdefault("autocomplete", "off")
        # Optional on the form: left empty, the model keeps its strategy (granular for a new one).
        self.fields["versioning_strategy"].required = False
        # Risk and compliance officers set these, at registration as after it (the service
        # refuses others); show them read-only rather than let a submission be refused.
        from core.permissions import user_can

        for name, codename, who in (
                ("risk_tier", "set_risk_tier_mlmodel", "risk officers"),
                ("compliance_tags", "set_compliance_tags_mlmodel", "compliance officers")):
            if not user_can(user, codename, self.instance if self.instance.pk else None,
                            model=MLModel):
                self.fields[name].disabled = True
                self.fields[name].help_text = (
                    f"Set by {who}; ask one to change it." if self.instance.pk else
                    f"Set by {who}: a new model starts at the tier “high” (the stricter "
                    "metadata standard) without compliance tags until one sets them.")
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))
            self.initial.setdefault("tracked_artefacts", list(self.instance.tracked_artefacts or []))
        # What the form cannot hold still reaches registration_problems, named the same.
        self.order_fields([name for _, names in self.SECTIONS for name in names]
                          + ["change_reason"])

    def sections(self):
        """The fields grouped under plain-language headings, for the template."""
        return [(title, [self[name] for name in names if name in self.fields])
                for title, names in self.SECTIONS]

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        seen: list[str] = []
        for part in raw.split(","):
            name = part.strip().lower()
            if name and name not in seen:
                seen.append(name)
        return seen

    def clean_versioning_strategy(self) -> str:
        return self.cleaned_data.get("versioning_strategy") or self.instance.versioning_strategy

    def service_data(self) -> dict:
        """`cleaned_data` as the catalogue services take it (model field names)."""
        data = {name: value for name, value in self.cleaned_data.items()
                if name != "change_reason"}
        data["compliance_tags"] = list(data.get("compliance_tags") or [])
        return data

    def clean(self) -> dict:
        from inventory.services.standards import registration_problems

        cleaned = super().clean()
        # registration_problems reports a duplicate name (with a suggestion); Django's own
        # unique check would say it a second time in other words.
        self._validate_unique = False
        # Fields that did not parse (bad JSON, a bad date) keep their own message; the
        # rules run on the rest, so every problem shows at once.
        data = {name: value for name, value in self.service_data().items()
                if name not in self.errors}
        problems = registration_problems(
            asset_type=AssetType.MODEL, data=data,
            instance=self.instance if self.instance.pk else None, model_validation=False)
        for name, messages in problems.items():
            target = name if name in self.fields and name not in self.errors else None
            if target is None and name in self.errors:
                continue
            for message in messages:
                if target is None and name != "__all__":
                    message = f"{name.replace('_', ' ').capitalize()}: {message}"
                self.add_error(target, message)
        return cleaned


class MLModelDeleteForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this model being deleted?",
                             help_text="Kept in the history of changes.")


class SavedSearchForm(forms.Form):
    """Name the current filter of a list page so that it can be reopened with one click."""

    name = forms.CharField(max_length=100, label="Name of this search")
    page = forms.CharField(max_length=100, widget=forms.HiddenInput)
    query = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pages: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pages = pages

    def clean_page(self) -> str:
        page = self.cleaned_data["page"]
        if page not in self.pages:
            raise forms.ValidationError("Searches can be saved on the catalogue lists only.")
        return page

    def clean_query(self) -> str:
        from django.http import QueryDict

        query = QueryDict(self.cleaned_data.get("query") or "", mutable=True)
        for key in ("page", "export"):
            query.pop(key, None)
        return query.urlencode()


class CompletenessFilterForm(forms.Form):
    """Narrow the completeness view to one asset type and/or one team."""

    asset_type = forms.ChoiceField(label="Type of asset", required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False,
                                  empty_label="Every team")

    def __init__(self, *args, user, types: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset_type"].choices = [("", "Every type")] + [
            (key, model._meta.verbose_name_plural.capitalize()) for key, model in types.items()]
        self.fields["team"].queryset = Team.objects.restrict(user, "view").order_by("name") \
            if hasattr(Team.objects, "restrict") else Team.objects.all()
