"""The governance app: regulations and compliance status, approvals, data minimisation,
the audit trail, reconciliation and reports."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from core.roles import grant_app_to_platform_admin

        grant_app_to_platform_admin("governance")
        _register_compliance()


def _register_compliance() -> None:
    """Regulations and compliance status: roles, receivers, the recompute job and its
    schedule, navigation, the home counter and the model page's compliance panel."""
    from datetime import timedelta

    from django.urls import reverse

    from core.menu import Counter, MenuItem, register_counter, register_menu_item
    from core.roles import Role, grant_to_roles
    from core.schedules import SCHEDULES
    from governance import compliance_jobs, compliance_receivers  # noqa: F401  (registers)
    from governance.services.compliance import RECOMPUTE_JOB
    from governance.views.compliance import register_compliance_panels

    # Everyone with a role reads frameworks and statuses; compliance officers keep the
    # frameworks, versions and requirements. Statuses are computed, never written by hand.
    regulations = ("regulatoryframework", "frameworkversion", "requirement")
    statuses = ("complianceassessment", "requirementresult")
    grant_to_roles(Role.ALL, [f"governance.view_{name}" for name in (*regulations, *statuses)])
    grant_to_roles((Role.COMPLIANCE_OFFICER,), [f"governance.{action}_{name}"
                                                for name in regulations
                                                for action in ("add", "change", "delete")])
    SCHEDULES["Compliance: recompute every model's status"] = (
        RECOMPUTE_JOB, timedelta(hours=6), {"trigger": "Scheduled full recompute"})

    register_menu_item(MenuItem("Governance", "Compliance overview", "governance:compliance",
                                "governance.view_complianceassessment",
                                "Per framework: models that meet it and models with gaps"))
    register_menu_item(MenuItem("Governance", "Compliance gaps", "governance:gap_list",
                                "governance.view_requirementresult",
                                "Every missing piece of evidence, and where to fill it in"))
    register_menu_item(MenuItem("Governance", "Regulatory frameworks",
                                "governance:framework_list",
                                "governance.view_regulatoryframework",
                                "GDPR, EU AI Act, SR 11-7… and their requirements"))
    register_counter(Counter(
        label="Models with compliance gaps",
        queryset=_models_with_gaps,
        url=lambda: reverse("governance:status_list") + "?status=gap",
        permission="governance.view_complianceassessment",
        help_text="Models missing evidence for at least one requirement that applies to them.",
        attention=True,
    ))
    register_compliance_panels()


def _models_with_gaps(user):
    """Models the user may see with a gap against at least one framework (home counter)."""
    from governance.choices import ComplianceOutcome
    from governance.selectors.compliance import visible_statuses
    from inventory.models import MLModel

    gaps = visible_statuses(user).filter(status=ComplianceOutcome.GAP)
    return MLModel.objects.filter(pk__in=gaps.values("model_id"))
