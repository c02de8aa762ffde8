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
