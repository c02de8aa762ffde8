"""Dashboard forms of the inventory app.

Forms translate and delegate: the registration form asks the catalogue service which
problems a registration has (the same rules the API and the admin apply) and shows each
next to its field; nothing is decided here.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from inventory.choices import AssetType, TrackedArtefact
from inventory.models import (
    ComplianceTag,
    Dataset,
    DatasetVersion,
    Feature,
    LegalHold,
    MLModel,
    ModelVersion,
    Pipeline,
    RetentionPolicy,
    Team,
)

__all__ = [
    "AssetForm",
    "CompletenessFilterForm",
    "DatasetForm",
    "DatasetVersionForm",
    "DeleteForm",
    "FeatureForm",
    "LegalHoldForm",
    "LegalHoldReleaseForm",
    "MLModelDeleteForm",
    "MLModelForm",
    "PipelineForm",
    "RetentionPolicyForm",
    "SavedSearchForm",
    "ServiceValidatedModelForm",
]


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


class AssetForm(forms.ModelForm):
    """Register a catalogue asset, or change its metadata, through the same checks as the API
    and admin.

    `clean()` asks `registration_problems` (inventory.services.standards) for every problem
    and puts each message next to its field; the view then hands `cleaned_data` to the
    catalogue service, which checks again inside its transaction and writes.
    """

    asset_type = ""
    SECTIONS: list[tuple[str, list[str]]] = []

    tags = forms.CharField(
        required=False, label="Free tags",
        help_text="Words that help people find it, separated by commas, e.g. scoring, retail.")
    change_reason = forms.CharField(
        required=False, max_length=200, label="Why (reason for this change)",
        help_text="Kept in the history of changes, e.g. “Annual review”.")

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
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))
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

    def service_data(self) -> dict:
        """`cleaned_data` as the catalogue services take it (model field names)."""
        data = {name: value for name, value in self.cleaned_data.items()
                if name != "change_reason" and name in self.fields
                and not self.fields[name].disabled}
        if "compliance_tags" in data:
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
            asset_type=self.asset_type, data=data,
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


class MLModelForm(AssetForm):
    """Register a model, or change its metadata (see `AssetForm`)."""

    asset_type = AssetType.MODEL

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
    impact_assessment_url = forms.URLField(
        required=False, assume_scheme="https", max_length=500,
        label="Impact assessment (link to the DPIA or AI impact assessment)",
        help_text="Where its data protection or AI impact assessment is kept.")
    change_reason = forms.CharField(
        required=False, max_length=200, label="Why (reason for this change)",
        help_text="Kept in the history of changes, e.g. “Annual review”.")

    SECTIONS = [
        ("What it is", ["name", "purpose", "description", "domain", "purpose_category",
                        "risk_tier", "business_impact"]),
        ("Who is responsible", ["owner", "steward", "team", "confidential", "tags",
                                "compliance_tags"]),
        ("Decisions about people", ["automated_decisions", "human_oversight",
                                    "impact_assessment_url"]),
        ("Where it came from (third-party and open-weights models)",
         ["origin", "supplier", "source_url", "licence", "permitted_uses", "redistribution",
          "redistribution_terms", "attribution"]),
        ("Model card (how it may be used, where it may fail)",
         ["out_of_scope_uses", "factors", "ethical_considerations", "caveats"]),
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
            "automated_decisions", "human_oversight", "impact_assessment_url",
            "business_impact", "owner", "steward", "team", "confidential", "compliance_tags",
            "origin", "supplier", "source_url", "licence", "permitted_uses", "redistribution",
            "redistribution_terms", "attribution",
            "out_of_scope_uses", "factors", "ethical_considerations", "caveats",
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
            "automated_decisions": "Decides about people automatically",
            "human_oversight": "Human oversight (how a person reviews or overrides it)",
            "impact_assessment_url": "Impact assessment (link to the DPIA or AI impact "
                                     "assessment)",
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
            "out_of_scope_uses": forms.Textarea(attrs={"rows": 2}),
            "factors": forms.Textarea(attrs={"rows": 2}),
            "ethical_considerations": forms.Textarea(attrs={"rows": 2}),
            "caveats": forms.Textarea(attrs={"rows": 2}),
            "training_environment": forms.Textarea(attrs={"rows": 2}),
            "inference_requirements": forms.Textarea(attrs={"rows": 2}),
            "human_oversight": forms.Textarea(attrs={"rows": 2}),
            "evaluation_metrics": forms.Textarea(attrs={"rows": 2}),
            "input_schema": forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
            "output_schema": forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
            # A date picker needs ISO dates whatever the display locale.
            "training_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "compliance_tags": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
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
            self.initial.setdefault("tracked_artefacts", list(self.instance.tracked_artefacts or []))

    def clean_versioning_strategy(self) -> str:
        return self.cleaned_data.get("versioning_strategy") or self.instance.versioning_strategy

    def service_data(self) -> dict:
        """`cleaned_data` as the catalogue services take it (model field names); read-only
        fields keep their value, which the service accepts as unchanged."""
        data = {name: value for name, value in self.cleaned_data.items()
                if name != "change_reason"}
        data["compliance_tags"] = list(data.get("compliance_tags") or [])
        return data


_ASSET_PEOPLE = ["owner", "steward", "team", "confidential", "tags", "compliance_tags"]
_ASSET_LABELS = {
    "purpose": "Purpose",  # the model field's help text says "what it is for, in plain words"
    "owner": "Owner (accountable)",
    "steward": "Steward (day-to-day care)",
    "compliance_tags": "Compliance tags",
}
_ASSET_WIDGETS = {
    "purpose": forms.Textarea(attrs={"rows": 2}),
    "description": forms.Textarea(attrs={"rows": 3}),
    "compliance_tags": forms.CheckboxSelectMultiple,
}
_ASSET_FIELDS = ["name", "purpose", "description", "domain", "owner", "steward", "team",
                 "confidential", "compliance_tags"]


class DatasetForm(AssetForm):
    """Register a dataset, or change its metadata and datasheet (see `AssetForm`).

    Someone who may not see a sensitive dataset's datasheet does not get its fields either:
    they stay as they are.
    """

    asset_type = AssetType.DATASET
    SECTIONS = [
        ("What it is", ["name", "purpose", "description", "domain"]),
        ("Who is responsible", _ASSET_PEOPLE),
        ("How sensitive it is and where it is kept",
         ["sensitivity", "residency_region", "storage_mode", "access_frequency"]),
        ("Datasheet", list(Dataset.DATASHEET_FIELDS)),
    ]

    class Meta:
        model = Dataset
        fields = [*_ASSET_FIELDS, "sensitivity", "storage_mode", "residency_region",
                  "access_frequency", *Dataset.DATASHEET_FIELDS]
        labels = {**_ASSET_LABELS, "residency_region": "Residency region (where it must stay)"}
        widgets = {**_ASSET_WIDGETS, **{name: forms.Textarea(attrs={"rows": 2})
                                        for name in Dataset.DATASHEET_FIELDS
                                        if name != "consent_basis"}}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        if self.instance.pk and not self.instance.details_visible_to(user):
            for name in Dataset.DATASHEET_FIELDS:
                self.fields.pop(name, None)


class FeatureForm(AssetForm):
    """Register a feature, or change its metadata (see `AssetForm`)."""

    asset_type = AssetType.FEATURE
    SECTIONS = [
        ("What it is", ["name", "purpose", "description", "domain", "data_type"]),
        ("Where it comes from", ["dataset", "transformation"]),
        ("Who is responsible", _ASSET_PEOPLE),
    ]

    class Meta:
        model = Feature
        fields = [*_ASSET_FIELDS, "data_type", "dataset", "transformation"]
        labels = {**_ASSET_LABELS, "dataset": "Source dataset",
                  "transformation": "How it is computed (transformation)"}
        widgets = {**_ASSET_WIDGETS, "transformation": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["dataset"].queryset = Dataset.objects.restrict(user, "view").order_by("name")


class PipelineForm(AssetForm):
    """Register a pipeline, or change its metadata (see `AssetForm`)."""

    asset_type = AssetType.PIPELINE
    repository_url = forms.URLField(required=False, assume_scheme="https", max_length=200,
                                    label="Code repository (URL)")
    SECTIONS = [
        ("What it is", ["name", "purpose", "description", "domain"]),
        ("How it runs", ["repository_url", "orchestrator", "schedule"]),
        ("Who is responsible", _ASSET_PEOPLE),
    ]

    class Meta:
        model = Pipeline
        fields = [*_ASSET_FIELDS, "repository_url", "orchestrator", "schedule"]
        labels = {**_ASSET_LABELS, "repository_url": "Code repository (URL)"}
        widgets = _ASSET_WIDGETS
        help_texts = {"schedule": "When it runs, e.g. daily at 02:00 or a cron expression."}


class DatasetVersionForm(forms.ModelForm):
    """Record the next version of a dataset, or correct one (numbering is the service's)."""

    schema = OptionalJSONField(
        required=False, widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        help_text='A JSON Schema document, e.g. {"type": "object", "properties": '
                  '{"income": {"type": "number"}}}.')
    change_reason = forms.CharField(
        required=False, max_length=200, label="Why (reason for this change)",
        help_text="Kept in the history of changes.")

    class Meta:
        model = DatasetVersion
        fields = ["uri", "sha256", "size", "row_count", "schema"]
        labels = {"uri": "Where the data is (URI)", "sha256": "SHA-256 checksum",
                  "size": "Size (bytes)", "row_count": "Rows"}
        help_texts = {"size": "", "sha256": "64 hexadecimal characters."}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items()
                if name != "change_reason"}

    def _post_clean(self) -> None:
        """The service validates the version (schema, checksum) once; not the form."""


class DeleteForm(forms.Form):
    """Confirm a deletion with a reason (kept in the history of changes)."""

    reason = forms.CharField(max_length=200, label="Why is this being deleted?",
                             help_text="Kept in the history of changes.")

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


# --------------------------------------------------------------------------------------
# Retention: policies and legal holds (compliance officers)
# --------------------------------------------------------------------------------------
class ServiceValidatedModelForm(forms.ModelForm):
    """A model form that checks shape only: the service validates the row once (field rules,
    `clean()`, uniqueness) and its problems come back next to the fields."""

    change_reason = forms.CharField(
        required=False, max_length=200, label="Why (reason for this change)",
        help_text="Kept in the history of changes.")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def _post_clean(self) -> None:
        """Model validation is the service's (one `full_clean()`)."""

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items()
                if name != "change_reason" and not self.fields[name].disabled}


class RetentionPolicyForm(ServiceValidatedModelForm):
    """Add or change a retention policy (the purge applies it from its next run)."""

    class Meta:
        model = RetentionPolicy
        fields = ["name", "asset_type", "regulation", "stage", "retain_days", "description",
                  "active"]
        labels = {"asset_type": "Applies to", "regulation": "Regulation (compliance tag)",
                  "stage": "Clock starts at stage", "retain_days": "Keep for (days)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"active": "Inactive policies are kept as evidence but no longer applied."}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["regulation"].queryset = ComplianceTag.objects.order_by("name")
        self.fields["regulation"].empty_label = "Every asset"


class LegalHoldForm(ServiceValidatedModelForm):
    """Place a legal hold on exactly one model, model version, dataset or dataset version, or
    change its reference and reason (a hold's target never changes)."""

    class Meta:
        model = LegalHold
        fields = ["reference", "reason", *LegalHold.TARGETS]
        labels = {"reference": "Case or matter reference", "reason": "Why it is held",
                  "model": "Model (all its versions)", "model_version": "Model version",
                  "dataset": "Dataset (all its versions)", "dataset_version": "Dataset version"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"reference": "As counsel or the regulator names it, e.g. CASE-2026-014."}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        choices = {
            "model": MLModel.objects.restrict(user, "view").order_by("name"),
            "model_version": ModelVersion.objects.restrict(user, "view")
            .select_related("model").order_by("model__name", "-version"),
            "dataset": Dataset.objects.restrict(user, "view").order_by("name"),
            "dataset_version": DatasetVersion.objects.restrict(user, "view")
            .select_related("dataset").order_by("dataset__name", "-version"),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset
            self.fields[name].empty_label = "—"
            self.fields[name].help_text = "Choose exactly one of the four."
            if self.instance.pk:
                self.fields[name].disabled = True
                self.fields[name].help_text = ("A hold's target never changes: release it and "
                                               "place a new one.")


class LegalHoldReleaseForm(forms.Form):
    release_reason = forms.CharField(
        max_length=500, label="Why is the hold released?", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the hold and in its history. What it covered may be purged again "
                  "once past retention.")

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


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


# --------------------------------------------------------------------------------------
# Held storage
# --------------------------------------------------------------------------------------
_REASON_HELP = "Kept in the version's history with your name."


class HeldUploadForm(forms.Form):
    """The fields next to the uploaded file (the file itself is streamed to storage by
    `core.storage.HeldUploadHandler`, never through this form)."""

    sha256 = forms.CharField(
        label="Expected SHA-256", max_length=64, required=False,
        help_text="Optional: the upload is refused, and nothing kept, when the bytes differ.")
    change_reason = forms.CharField(label="Why", max_length=500, help_text=_REASON_HELP)


class HeldCopyInForm(forms.Form):
    source = forms.CharField(
        label="Source", max_length=1000,
        help_text="A file:// path under a folder allowed for copy-in, e.g. "
                  "file:///srv/exports/loans-2026-11.csv.")
    sha256 = forms.CharField(label="Expected SHA-256", max_length=64, required=False)
    change_reason = forms.CharField(label="Why", max_length=500, help_text=_REASON_HELP)
