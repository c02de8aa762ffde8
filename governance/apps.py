"""The governance app: regulations and compliance status, approvals, data minimisation,
the audit trail, reconciliation and reports."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from core.roles import grant_app_to_platform_admin

        grant_app_to_platform_admin("governance")
