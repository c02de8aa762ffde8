from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The platform every app builds on; it imports none of them."""

    name = "core"
    verbose_name = "Platform"

    def ready(self) -> None:
        from core import (
            audit,  # noqa: F401  (history receivers)
            checks,  # noqa: F401  (system checks)
            roles,
        )
        from core.services import audit_chain

        roles.connect()
        audit_chain.connect()
        self._register_navigation()

    @staticmethod
    def _register_navigation() -> None:
        from datetime import timedelta

        from django.urls import reverse
        from django.utils import timezone

        from core.choices import JobStatus
        from core.menu import Counter, MenuItem, register_counter, register_menu_item
        from core.models import JobRun

        register_menu_item(MenuItem("Monitoring", "Job runs", "core:jobrun_list",
                                    "core.view_jobrun", "Background jobs and their progress"))
        register_menu_item(MenuItem("Governance", "Access log", "core:accessevent_list",
                                    "core.view_accessevent",
                                    "Views of sensitive records, downloads, exports, searches"))
        register_menu_item(MenuItem("Governance", "Access denials", "core:permissiondenial_list",
                                    "core.view_permissiondenial",
                                    "Records a user, role or team may not see or act on"))
        register_counter(Counter(
            label="Failed job runs (7 days)",
            queryset=lambda user: JobRun.objects.filter(
                status=JobStatus.FAILED, created_at__gte=timezone.now() - timedelta(days=7)),
            url=lambda: reverse("core:jobrun_list") + "?status=failed",
            permission="core.view_jobrun",
            help_text="Background jobs that ended in an error and may need a rerun.",
            attention=True,
        ))
