"""Regulatory frameworks as versioned data: frameworks, their versions and requirements.

A framework (GDPR, SR 11-7…) has numbered versions; one is current and is what models are
assessed against. A requirement belongs to one framework version and has revisions: once
an assessment was made against a revision, changing it writes a new revision (the old one
stays, so every assessment keeps the exact text it was made against). Whether a framework
or requirement applies to a model is an applicability rule (`governance.applicability`);
what shows a requirement is met is a list of named evidence checks (`governance.evidence`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models.governed import GovernedModel, GovernedQuerySet
from governance.applicability import validate_condition

__all__ = ["FrameworkVersion", "RegulatoryFramework", "RegulatoryFrameworkQuerySet",
           "Requirement", "RequirementQuerySet"]


def _validate_condition(value) -> None:
    validate_condition(value)


def _validate_check_names(value) -> None:
    from governance.evidence import evidence_check_names

    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError('A list of evidence check names, e.g. ["model_purpose"].')
    unknown = [name for name in value if name not in evidence_check_names()]
    if unknown:
        raise ValidationError(f"Unknown evidence check: {', '.join(unknown)}. Known checks: "
                              f"{', '.join(sorted(evidence_check_names()))}.")


class RegulatoryFrameworkQuerySet(GovernedQuerySet):
    def for_list(self):
        """Each framework's current version in `current_versions`, with its requirements in
        force in `in_force`: three queries for any number of frameworks."""
        requirements = Requirement.objects.filter(is_current=True).order_by("order", "key")
        current = FrameworkVersion.objects.filter(is_current=True).prefetch_related(
            models.Prefetch("requirements", queryset=requirements, to_attr="in_force"))
        return self.prefetch_related(models.Prefetch("versions", queryset=current,
                                                     to_attr="current_versions"))


class RegulatoryFramework(GovernedModel):
    """A law, regulation, supervisory guidance or standard that models are assessed against."""

    code = models.SlugField(max_length=40, unique=True,
                            help_text="Short stable identifier, e.g. gdpr, eu-ai-act, sr-11-7.")
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, help_text="As people say it, e.g. GDPR.")
    jurisdiction = models.CharField(max_length=80, blank=True, db_index=True,
                                    help_text="Where it applies, e.g. European Union.")
    authority = models.CharField(max_length=200, blank=True,
                                 help_text="Who issued it, e.g. Federal Reserve Board.")
    description = models.TextField(blank=True)
    source_url = models.URLField(blank=True, max_length=500,
                                 help_text="The official text.")

    objects = RegulatoryFrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["short_name"]
        verbose_name = "regulatory framework"

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:framework_detail", args=[self.pk])


class FrameworkVersion(GovernedModel):
    """One version of a framework's requirement set; the current one is assessed against."""

    # Deleting a framework takes its versions along; assessments protect those in use.
    framework = models.ForeignKey(RegulatoryFramework, on_delete=models.CASCADE,
                                  related_name="versions")
    version = models.PositiveIntegerField(help_text="1, 2, 3… per framework.")
    label = models.CharField(max_length=200,
                             help_text="What this version is, e.g. Regulation (EU) 2016/679.")
    effective_date = models.DateField(null=True, blank=True,
                                      help_text="When this text applies from.")
    is_current = models.BooleanField(default=True, db_index=True,
                                     help_text="The version models are assessed against now.")
    applies_when = models.JSONField(
        default=dict, blank=True, validators=[_validate_condition],
        help_text='When the framework applies to a model; {} means always. Example: '
                  '{"any": [{"fact": "deployment_regions", "in": ["eu"]}, '
                  '{"fact": "data_regions", "in": ["eu"]}]}.')
    notes = models.TextField(blank=True, help_text="What changed from the previous version.")

    class Meta:
        ordering = ["framework", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"],
                                    name="frameworkversion_unique_number",
                                    violation_error_message="This version number already exists."),
            models.UniqueConstraint(fields=["framework"], condition=Q(is_current=True),
                                    name="frameworkversion_one_current",
                                    violation_error_message="A framework has one current "
                                                            "version."),
        ]

    def __str__(self) -> str:
        return f"{self.framework} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("governance:framework_detail", args=[self.framework_id]) + \
            f"?version={self.pk}"


class RequirementQuerySet(GovernedQuerySet):
    def for_list(self):
        return self.select_related("framework_version", "framework_version__framework")

    def current(self):
        return self.filter(is_current=True)


class Requirement(GovernedModel):
    """One requirement (an article or clause) of a framework version, at one revision."""

    # Deleting a version takes its requirements along; results protect those in use.
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE,
                                          related_name="requirements")
    key = models.SlugField(max_length=60, help_text="Stable identifier within the framework, "
                                                    "e.g. art-22.")
    revision = models.PositiveIntegerField(default=1, editable=False)
    is_current = models.BooleanField(default=True, editable=False, db_index=True,
                                     help_text="The revision in force in its framework version.")
    replaces = models.ForeignKey("self", null=True, blank=True, editable=False,
                                 on_delete=models.PROTECT, related_name="replaced_by",
                                 help_text="The revision this one replaced.")
    clause = models.CharField(max_length=80, help_text="Article or clause, e.g. Art. 22(1).")
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="What it asks, in plain words.")
    evidence = models.TextField(help_text="What evidence satisfies it, in plain words.")
    evidence_checks = models.JSONField(
        default=list, blank=True, validators=[_validate_check_names],
        help_text="Named evidence checks that must all pass for it to be met.")
    applies_when = models.JSONField(
        default=dict, blank=True, validators=[_validate_condition],
        help_text="When it applies to a model to which its framework applies; {} means always.")
    order = models.PositiveIntegerField(default=0, help_text="Position in the framework.")

    objects = RequirementQuerySet.as_manager()

    # Fields whose change is a new revision once an assessment used this one.
    CONTENT_FIELDS = ("key", "clause", "title", "summary", "evidence", "evidence_checks",
                      "applies_when", "order")

    class Meta:
        ordering = ["framework_version", "order", "key", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "key", "revision"],
                                    name="requirement_unique_revision",
                                    violation_error_message="This revision already exists."),
            models.UniqueConstraint(fields=["framework_version", "key"],
                                    condition=Q(is_current=True),
                                    name="requirement_one_current_revision",
                                    violation_error_message="A requirement with this key "
                                                            "already exists in this version."),
        ]
        indexes = [models.Index(fields=["framework_version", "is_current"])]

    def __str__(self) -> str:
        return f"{self.framework_version.framework} {self.clause} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("governance:framework_detail",
                       args=[self.framework_version.framework_id]) + f"#req-{self.key}"

    def clean(self) -> None:
        super().clean()
        if isinstance(self.evidence_checks, list) and not self.evidence_checks:
            raise ValidationError({"evidence_checks": [
                "Name at least one evidence check: a requirement nothing can show as met "
                "would stay a gap for ever."]})
