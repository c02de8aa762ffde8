"""Receivers of inventory's signals (monitoring reacts; inventory never imports monitoring)."""

from __future__ import annotations

from django.dispatch import receiver

from inventory.signals import model_version_stage_changed
from monitoring.services.health import health_check_version_submit


@receiver(model_version_stage_changed, dispatch_uid="monitoring-recheck-on-stage-change")
def _recheck_deployments_on_stage_change(sender, version, **kwargs) -> None:
    """A version promoted, demoted, deprecated or retired may now be served where it should
    not be (or no longer be): its running deployments are checked again at once."""
    health_check_version_submit(version)
