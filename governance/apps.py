"""The governance app: regulations and compliance status, approvals, data minimisation,
the audit trail, reconciliation and reports."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from core.roles import grant_app_to_platform_admin

        grant_app_to_platform_admin("governance")
        self._ready_approvals_and_minimisation()

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
