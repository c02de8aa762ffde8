from django.apps import AppConfig


class LineageConfig(AppConfig):
    name = "lineage"
    verbose_name = "Lineage"

    def ready(self) -> None:
        from datetime import timedelta

        from core.roles import Role, grant_app_to_platform_admin, grant_to_roles
        from core.schedules import SCHEDULES
        from lineage import signals  # noqa: F401  (checksums of held data on registration)
        from lineage.tasks import REHASH_JOB, RESIDENCY_JOB

        # Everyone with a role reads the graph and the findings (records they may not see
        # stay anonymous in it); automation accounts of data scientists and model owners
        # post OpenLineage events.
        grant_app_to_platform_admin("lineage")
        grant_to_roles(Role.ALL, ["lineage.view_lineagenode", "lineage.view_integrityfinding",
                                  "lineage.view_residencyrule"])
        grant_to_roles((Role.DATA_SCIENTIST, Role.MODEL_OWNER), ["lineage.add_lineagenode"])
        grant_to_roles((Role.COMPLIANCE_OFFICER,), ["lineage.add_residencyrule",
                                                    "lineage.change_residencyrule"])
        SCHEDULES["Integrity: re-hash held data and artefacts"] = (REHASH_JOB,
                                                                   timedelta(hours=24), {})
        SCHEDULES["Residency rules: flag violations"] = (RESIDENCY_JOB, timedelta(hours=6), {})
        self._register_navigation()
        from lineage.views.panels import register_lineage_panels

        register_lineage_panels()
        from inventory.selectors.mlbom import register_external_dependency_source
        from lineage.selectors.dependencies import external_dependencies_of

        register_external_dependency_source(external_dependencies_of, name="lineage")

    @staticmethod
    def _register_navigation() -> None:
        from django.urls import reverse

        from core.menu import Counter, MenuItem, register_counter, register_menu_item
        from lineage.choices import FindingStatus
        from lineage.models import IntegrityFinding

        register_menu_item(MenuItem("Lineage", "Lineage graph", "lineage:graph",
                                    "lineage.view_lineagenode",
                                    "Where data came from and which models it feeds"))
        register_menu_item(MenuItem("Lineage", "Integrity findings", "lineage:finding_list",
                                    "lineage.view_integrityfinding",
                                    "Held data or artefacts whose bytes changed or went missing"))
        register_counter(Counter(
            label="Open integrity findings",
            queryset=lambda user: IntegrityFinding.objects.restrict(user, "view").filter(
                status=FindingStatus.OPEN),
            url=lambda: reverse("lineage:finding_list") + "?status=open",
            permission="lineage.view_integrityfinding",
            help_text="Data or model files that changed since registration, or broken "
                      "residency rules.",
            attention=True,
        ))
