"""The governance app: regulations and compliance status, approvals, data minimisation,
the audit trail, reconciliation and reports."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from core.roles import Role, grant_app_to_platform_admin, grant_to_roles
        from governance.views.audit import register_audit_trail

        grant_app_to_platform_admin("governance")
        # The audit trail is evidence for auditors (read-only) and compliance staff.
        grant_to_roles((Role.AUDITOR, Role.COMPLIANCE_OFFICER), ["core.view_auditevent"])
        register_audit_trail()
        self._ready_reconciliation()
        self._ready_reports()
        self._ready_approvals_and_minimisation()
        _register_compliance()

    @staticmethod
    def _ready_reconciliation() -> None:
        from datetime import timedelta

        from django.conf import settings
        from django.urls import reverse

        from core.menu import Counter, MenuItem, register_counter, register_menu_item
        from core.roles import Role, grant_to_roles
        from core.schedules import SCHEDULES
        from governance.choices import FindingStatus
        from governance.models import Finding
        from governance.services.reconciliation import RECONCILE_JOB

        # Everyone with a role reads findings (those about models they may not see stay
        # hidden); compliance and risk officers work on them and start runs; model owners
        # work on the findings about their models (restricted by visibility).
        grant_to_roles(Role.ALL, ["governance.view_finding"])
        grant_to_roles((Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER, Role.MODEL_OWNER),
                       ["governance.work_finding"])
        grant_to_roles((Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER),
                       ["governance.run_reconciliation"])
        # Listings drive findings: compliance officers upload them; a platform's automation
        # account needs `governance.add_realitylisting` given to it. Auditors read them.
        grant_to_roles((Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER, Role.AUDITOR),
                       ["governance.view_realitylisting"])
        grant_to_roles((Role.COMPLIANCE_OFFICER,), ["governance.add_realitylisting"])
        SCHEDULES["Reconciliation: compare the inventory with reality"] = (
            RECONCILE_JOB, timedelta(hours=settings.CUSTODIA_RECONCILIATION_EVERY_HOURS), {})
        register_menu_item(MenuItem("Governance", "Findings board", "governance:finding_list",
                                    "governance.view_finding",
                                    "Unauthorised, orphaned and overdue-review models found "
                                    "by reconciliation"))
        register_counter(Counter(
            label="Open reconciliation findings",
            queryset=lambda user: Finding.objects.restrict(user, "view").filter(
                status__in=[FindingStatus.OPEN, FindingStatus.IN_PROGRESS]),
            url=lambda: reverse("governance:finding_list") + "?status=open&status=in_progress",
            permission="governance.view_finding",
            help_text="Models running or stored without approval, without an owner, or "
                      "overdue for review.",
            attention=True,
        ))
        from governance.views.panels import register_governance_panels

        register_governance_panels()

    @staticmethod
    def _ready_reports() -> None:
        from core.menu import MenuItem, register_menu_item
        from core.roles import Role, grant_to_roles
        from governance.selectors.reports import register_builtin_report_templates

        register_builtin_report_templates()
        # Compliance, risk and auditors generate, schedule and read reports.
        readers = (Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER, Role.AUDITOR)
        grant_to_roles(readers, ["governance.view_report", "governance.add_report",
                                 "governance.view_reportschedule",
                                 "governance.add_reportschedule"])
        register_menu_item(MenuItem("Governance", "Reports", "governance:report_list",
                                    "governance.view_report",
                                    "Inventory register, audit extract, findings, risk register, "
                                    "Annex IV packs, regulatory mapping, approvals log: "
                                    "generate, schedule, download"))

    @staticmethod
    def _ready_approvals_and_minimisation() -> None:
        """Approval workflows and data minimisation: roles, gates, receivers, the expiry
        schedule, navigation and the model page's panel."""
        from datetime import timedelta

        from core.schedules import SCHEDULES
        from governance import receivers, roles  # noqa: F401  (roles declare on import)
        from governance.services import approvals, minimisation
        from governance.tasks import EXPIRE_JOB
        from governance.views.approvals import register_approval_views
        from inventory.services.versions import register_promotion_gate

        register_promotion_gate(approvals.approval_gate, name=approvals.GATE_NAME)
        register_promotion_gate(minimisation.minimisation_gate, name=minimisation.GATE_NAME)
        receivers.connect()
        SCHEDULES["Approvals: close expired promotion requests"] = (EXPIRE_JOB,
                                                                    timedelta(hours=1), {})
        register_approval_views()
        from governance.selectors.approvals import register_approvals_log_report

        register_approvals_log_report()


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
    from governance.selectors.compliance import register_regulatory_mapping_report

    register_regulatory_mapping_report()


def _models_with_gaps(user):
    """Models the user may see with a gap against at least one framework (home counter)."""
    from governance.choices import ComplianceOutcome
    from governance.selectors.compliance import visible_statuses
    from inventory.models import MLModel

    gaps = visible_statuses(user).filter(status=ComplianceOutcome.GAP)
    return MLModel.objects.filter(pk__in=gaps.values("model_id"))
