"""The monitoring app: how deployed models perform, their health, capacity and cost."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from core.roles import grant_app_to_platform_admin

        grant_app_to_platform_admin("monitoring")
        self._register_metrics()

    @staticmethod
    def _register_metrics() -> None:
        """Roll-ups, thresholds, retraining alerts, capacity and retraining priority."""
        from datetime import timedelta

        from django.urls import reverse

        from core.menu import Counter, MenuItem, register_counter, register_menu_item
        from core.roles import Role, grant_to_roles
        from core.schedules import SCHEDULES
        from inventory.services.deprecation import register_decay_source
        from monitoring.models import RetrainingAlert
        from monitoring.services.alerts import retraining_decay_signals
        from monitoring.tasks import DEGRADATION_JOB, RETENTION_JOB, ROLLUP_JOB
        from monitoring.views.panels import register_metric_panels

        # Everyone with a role reads roll-ups, thresholds and alerts (as visible as their
        # models); risk officers set thresholds; auditors and compliance read every batch
        # receipt (a sender reads its own through an object grant).
        grant_to_roles(Role.ALL, ["monitoring.view_metricrollup", "monitoring.view_metricthreshold",
                                  "monitoring.view_retrainingalert"])
        grant_to_roles((Role.RISK_OFFICER,), ["monitoring.add_metricthreshold",
                                              "monitoring.change_metricthreshold",
                                              "monitoring.delete_metricthreshold",
                                              "monitoring.change_priorityweights",
                                              "monitoring.view_priorityweights"])
        grant_to_roles((Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER),
                       ["monitoring.view_metricbatch"])
        SCHEDULES["Metrics: roll up new observations"] = (ROLLUP_JOB, timedelta(minutes=10), {})
        SCHEDULES["Metrics: delete raw observations past retention"] = (
            RETENTION_JOB, timedelta(hours=24), {})
        SCHEDULES["Metrics: check degradation, raise retraining alerts"] = (
            DEGRADATION_JOB, timedelta(hours=1), {})
        register_decay_source(retraining_decay_signals, name="monitoring.retraining_alerts")
        register_menu_item(MenuItem("Monitoring", "Retraining alerts", "monitoring:alert_list",
                                    "monitoring.view_retrainingalert",
                                    "Models whose metrics degraded and may need retraining"))
        register_menu_item(MenuItem("Monitoring", "Retraining priority", "monitoring:priority",
                                    "monitoring.view_retrainingalert",
                                    "Which models to retrain first, and why"))
        register_menu_item(MenuItem("Monitoring", "Capacity", "monitoring:capacity",
                                    "monitoring.view_metricrollup",
                                    "Latency, resources and load per model, region and "
                                    "segment, with projections"))
        register_menu_item(MenuItem("Monitoring", "Thresholds", "monitoring:threshold_list",
                                    "monitoring.view_metricthreshold",
                                    "When a metric counts as degraded"))
        register_counter(Counter(
            label="Open retraining alerts",
            queryset=lambda user: RetrainingAlert.objects.restrict(user, "view").filter(
                status="open"),
            url=lambda: reverse("monitoring:alert_list") + "?status=open",
            permission="monitoring.view_retrainingalert",
            help_text="Deployed models whose metrics fell past their threshold or their own "
                      "baseline.",
            attention=True,
        ))
        register_metric_panels()
