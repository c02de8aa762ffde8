"""Identity-provider groups → Custodia roles and teams, applied at every enterprise sign-in.

One mapping (`CUSTODIA_IDP_GROUP_MAP`) serves OpenID Connect and LDAP / Active Directory
alike: each identity-provider group names the roles (`core.roles.Role` groups) and teams
(by slug, of `CUSTODIA_TEAM_MODEL`) its members get. On each sign-in the user's mapped
roles and teams are made to match their groups at the provider, so a group removed there
removes the role or team here at the next sign-in. Only roles and teams the mapping names
are managed: a role or team given by hand and named nowhere in the mapping stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from core.roles import Role
from core.services.records import record_save

__all__ = ["GroupGrant", "IdentityChanges", "group_map", "group_map_problems",
           "identity_groups_apply"]

logger = logging.getLogger("custodia.identity")


@dataclass(frozen=True)
class GroupGrant:
    """What membership of one identity-provider group gives."""

    roles: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()


@dataclass
class IdentityChanges:
    """What one sign-in changed (for the log and the tests)."""

    roles_added: list[str] = field(default_factory=list)
    roles_removed: list[str] = field(default_factory=list)
    teams_added: list[str] = field(default_factory=list)
    teams_removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.roles_added or self.roles_removed or self.teams_added
                    or self.teams_removed)


def group_map_problems(raw: object) -> list[str]:
    """Why `raw` is not a valid group mapping (empty when it is)."""
    if not isinstance(raw, dict):
        return ["CUSTODIA_IDP_GROUP_MAP must be a JSON object: identity-provider group → "
                '{"roles": [...], "teams": [...]}.']
    problems = []
    for group, grant in raw.items():
        if not isinstance(grant, dict) or set(grant) - {"roles", "teams"}:
            problems.append(f'Group "{group}": give an object with "roles" and/or "teams".')
            continue
        malformed = [key for key in ("roles", "teams")
                     if not isinstance(grant.get(key, []), list)
                     or not all(isinstance(v, str) for v in grant.get(key, []))]
        problems += [f'Group "{group}": "{key}" is a list of names.' for key in malformed]
        if "roles" in malformed:
            continue
        if unknown := [role for role in grant.get("roles", []) if role not in Role.ALL]:
            problems.append(f'Group "{group}": unknown role(s) {", ".join(unknown)}; roles are '
                            f'{", ".join(Role.ALL)}.')
    return problems


def group_map() -> dict[str, GroupGrant]:
    """The configured mapping, validated (identity-provider group names are compared as given).

    Raises:
        ImproperlyConfigured: the setting is malformed or names an unknown role.
    """
    raw = settings.CUSTODIA_IDP_GROUP_MAP
    if problems := group_map_problems(raw):
        raise ImproperlyConfigured(" ".join(problems))
    return {group: GroupGrant(roles=frozenset(grant.get("roles", [])),
                              teams=frozenset(grant.get("teams", [])))
            for group, grant in raw.items()}


def identity_groups_apply(*, user, groups: Iterable[str], source: str) -> IdentityChanges:
    """Make `user`'s mapped roles and teams match their identity-provider `groups`.

    Args:
        user: the Custodia user who just signed in (saved).
        groups: the names of their groups at the provider, as it reports them now.
        source: which sign-in reported them (`oidc`, `ldap`), for the audit reason.

    Returns:
        The roles and teams added and removed.

    Raises:
        ImproperlyConfigured: the mapping is malformed.
    """
    mapping = group_map()
    member_of = set(groups)
    wanted = [grant for name, grant in mapping.items() if name in member_of]
    changes = IdentityChanges()
    with transaction.atomic():
        _apply_roles(user, managed={r for g in mapping.values() for r in g.roles},
                     wanted={r for g in wanted for r in g.roles}, changes=changes)
        _apply_teams(user, managed={t for g in mapping.values() for t in g.teams},
                     wanted={t for g in wanted for t in g.teams}, source=source,
                     changes=changes)
    if changes:
        logger.info("Sign-in through %s changed %s's access: %s", source, user.get_username(),
                    changes)
    return changes


def _apply_roles(user, *, managed: set[str], wanted: set[str], changes: IdentityChanges) -> None:
    held = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    for role in sorted(wanted - held):
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        changes.roles_added.append(role)
    if stale := sorted(held - wanted):
        user.groups.remove(*Group.objects.filter(name__in=stale))
        changes.roles_removed.extend(stale)


def _apply_teams(user, *, managed: set[str], wanted: set[str], source: str,
                 changes: IdentityChanges) -> None:
    team_model = apps.get_model(settings.CUSTODIA_TEAM_MODEL)
    teams = {team.slug: team for team in team_model.objects.filter(slug__in=managed)}
    if missing := sorted(wanted - set(teams)):
        logger.warning("Group mapping names team(s) %s, which do not exist: not joined.",
                       ", ".join(missing))
    held = set(team_model.objects.filter(slug__in=managed, members=user)
               .values_list("slug", flat=True))
    for slug in sorted((wanted & set(teams)) - held):
        teams[slug].members.add(user)
        _stamp(teams[slug], f"{user.get_username()} joined through their {source} groups")
        changes.teams_added.append(slug)
    for slug in sorted(held - wanted):
        teams[slug].members.remove(user)
        _stamp(teams[slug], f"{user.get_username()} left: no longer in a mapped {source} group")
        changes.teams_removed.append(slug)


def _stamp(team, reason: str) -> None:
    # Membership is a many-to-many relation, which the history does not copy: a history row
    # with the reason records who joined or left, when and why.
    record_save(team, actor=None, reason=reason)
