"""The monitoring app: how deployed models perform, their health, capacity and cost."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from core.roles import grant_app_to_platform_admin

        grant_app_to_platform_admin("monitoring")
