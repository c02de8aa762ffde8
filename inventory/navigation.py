"""Menu entries and home counters of the retention, deprecation and deployment dashboards."""

from __future__ import annotations

from core.menu import Counter, MenuItem, register_counter, register_menu_item
from core.permissions import restrict_queryset
from inventory.choices import DeploymentStatus, NoticeStatus
from inventory.models import Deployment, DeprecationNotice

__all__ = [
    "register_evidence_navigation",
]


# --------------------------------------------------------------------------------------
# Navigation
# --------------------------------------------------------------------------------------
def register_evidence_navigation() -> None:
    """Menu entries and a home counter (called from `InventoryConfig.ready()`)."""
    from django.urls import reverse

    register_menu_item(MenuItem("Governance", "Legal holds", "inventory:legalhold_list",
                                "inventory.view_legalhold", "Holds that block any purge"))
    register_menu_item(MenuItem("Governance", "Retention policies",
                                "inventory:retentionpolicy_list", "inventory.view_retentionpolicy",
                                "How long artifacts are kept before the purge"))
    register_menu_item(MenuItem("Governance", "Purged artifacts", "inventory:purgerecord_list",
                                "inventory.view_purgerecord",
                                "Artifacts removed after their retention period"))
    register_menu_item(MenuItem("Inventory", "Deprecation notices",
                                "inventory:deprecationnotice_list",
                                "inventory.view_deprecationnotice",
                                "Versions announced for deprecation or archival"))
    register_menu_item(MenuItem("Monitoring", "Deployments", "inventory:deployment_list",
                                "inventory.view_deployment",
                                "Where model versions run, reported by CI/CD"))
    register_counter(Counter(
        label="Deprecations announced",
        queryset=lambda user: restrict_queryset(
            DeprecationNotice.objects.filter(status=NoticeStatus.NOTIFIED), user, "view"),
        url=lambda: reverse("inventory:deprecationnotice_list") + f"?status={NoticeStatus.NOTIFIED}",
        permission="inventory.view_deprecationnotice",
        help_text="Versions whose owners were told they will be deprecated or archived.",
        attention=True,
    ))
    register_counter(Counter(
        label="Unauthorised deployments",
        queryset=lambda user: Deployment.objects.restrict(user, "view").filter(
            status=DeploymentStatus.UNAUTHORISED),
        url=lambda: reverse("inventory:deployment_list") + f"?status={DeploymentStatus.UNAUTHORISED}",
        permission="inventory.view_deployment",
        help_text="Versions reported running where their stage may not run; promote or stop them.",
        attention=True,
    ))
