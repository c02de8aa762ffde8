"""The monitoring app: how deployed models perform, their health, capacity and cost."""

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from datetime import timedelta

        from django.conf import settings

        from core.roles import Role, grant_app_to_platform_admin, grant_to_roles
        from core.schedules import SCHEDULES
        from inventory.services.deployments import register_deployment_gate
        from monitoring import signals  # noqa: F401  (re-check deployments on stage changes)
        from monitoring.services.fleet import residency_gate
        from monitoring.tasks import HEALTH_JOB

        grant_app_to_platform_admin("monitoring")
        # Fleet and health: everyone with a role reads them (records of models a user may
        # not see stay hidden); compliance and risk officers set what models must report.
        grant_to_roles(Role.ALL, ["monitoring.view_deploymentevent",
                                  "monitoring.view_healthfinding",
                                  "monitoring.view_monitoringrequirement"])
        grant_to_roles((Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER), [
            "monitoring.add_monitoringrequirement", "monitoring.change_monitoringrequirement",
            "monitoring.delete_monitoringrequirement"])
        # Costs: read by those who answer for budgets and audits; recorded by the platform
        # admin (who holds the infrastructure bills).
        grant_to_roles((Role.MODEL_OWNER, Role.COMPLIANCE_OFFICER, Role.RISK_OFFICER,
                        Role.AUDITOR), ["monitoring.view_costrecord"])
        # Where data may be used is lineage's residency rules: a version may not be
        # reported running outside them.
        register_deployment_gate(residency_gate, name="lineage.residency")
        SCHEDULES["Monitoring health check"] = (
            HEALTH_JOB, timedelta(minutes=settings.CUSTODIA_HEALTH_CHECK_MINUTES), {})
        self._register_navigation()
        from monitoring.views.panels import register_monitoring_panels

        register_monitoring_panels()
        self._register_metrics()

    @staticmethod
    def _register_navigation() -> None:
        from django.urls import reverse

        from core.menu import Counter, MenuItem, register_counter, register_menu_item
        from monitoring.choices import HealthFindingStatus
        from monitoring.models import HealthFinding

        register_menu_item(MenuItem("Monitoring", "Where models run", "monitoring:fleet",
                                    "inventory.view_deployment",
                                    "Each version by region and customer segment"))
        register_menu_item(MenuItem("Monitoring", "Monitoring health", "monitoring:health",
                                    "monitoring.view_healthfinding",
                                    "Deployed models that do not report what they should"))
        register_menu_item(MenuItem("Monitoring", "Deployment events",
                                    "monitoring:deploymentevent_list",
                                    "monitoring.view_deploymentevent",
                                    "What CI/CD and the serving platform reported"))
        register_menu_item(MenuItem("Monitoring", "Costs", "monitoring:costrecord_list",
                                    "monitoring.view_costrecord",
                                    "Cost records per model, deployment and shared platform"))
        register_menu_item(MenuItem("Monitoring", "Cost report", "monitoring:cost_report",
                                    "monitoring.view_costrecord",
                                    "Monthly costs per business unit"))
        register_counter(Counter(
            label="Monitoring health findings",
            queryset=lambda user: HealthFinding.objects.restrict(user, "view").filter(
                status=HealthFindingStatus.OPEN),
            url=lambda: reverse("monitoring:health"),
            permission="monitoring.view_healthfinding",
            help_text="Deployed models that never reported, stopped reporting, miss required "
                      "metrics or serve an unapproved version.",
            attention=True,
        ))

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
