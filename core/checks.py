"""System checks of the platform's settings, run by `manage.py check` and at start-up."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from core.services.identity import group_map_problems

__all__ = ["check_identity_group_map"]


@checks.register(checks.Tags.security)
def check_identity_group_map(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A malformed identity-provider group mapping would refuse every enterprise sign-in."""
    return [checks.Error(problem, id="custodia.E001", obj="CUSTODIA_IDP_GROUP_MAP")
            for problem in group_map_problems(settings.CUSTODIA_IDP_GROUP_MAP)]
