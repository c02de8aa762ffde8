from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from inventory import roles, signals  # noqa: F401
        from inventory.base import audit  # noqa: F401  (history receivers)
        roles.connect()
        self._register_navigation()

    @staticmethod
    def _register_navigation() -> None:
        from datetime import timedelta

        from django.urls import reverse
        from django.utils import timezone

        from inventory.base.menu import Counter, MenuItem, register_counter, register_menu_item
        from inventory.choices import JobStatus
        from inventory.models import JobRun

        register_menu_item(MenuItem("Monitoring", "Job runs", "inventory:jobrun_list",
                                    "inventory.view_jobrun", "Background jobs and their progress"))
        register_menu_item(MenuItem("Governance", "Access log", "inventory:accessevent_list",
                                    "inventory.view_accessevent",
                                    "Views of sensitive records, downloads, exports, searches"))
        register_counter(Counter(
            label="Failed job runs (7 days)",
            queryset=lambda user: JobRun.objects.filter(
                status=JobStatus.FAILED, created_at__gte=timezone.now() - timedelta(days=7)),
            url=lambda: reverse("inventory:jobrun_list") + "?status=failed",
            permission="inventory.view_jobrun",
            help_text="Background jobs that ended in an error and may need a rerun.",
            attention=True,
        ))
