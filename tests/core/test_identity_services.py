"""The identity-provider group mapping: roles and teams follow the provider's groups at each
sign-in, only mapped ones are managed, and a malformed mapping is refused up front."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from core.checks import check_identity_group_map
from core.roles import Role
from core.services.identity import identity_groups_apply
from inventory.models import Team
from tests.factories import UserFactory
from tests.factories.catalogue import TeamFactory

pytestmark = pytest.mark.django_db

GROUP_MAP = {
    "ml-engineers": {"roles": [Role.DATA_SCIENTIST], "teams": ["credit-risk"]},
    "model-auditors": {"roles": [Role.AUDITOR]},
    "fraud": {"teams": ["fraud"]},
}


@pytest.fixture
def mapped(settings):
    settings.CUSTODIA_IDP_GROUP_MAP = GROUP_MAP
    return {slug: TeamFactory(slug=slug, name=slug.title()) for slug in ("credit-risk", "fraud")}


def roles_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def teams_of(user) -> set[str]:
    return set(Team.objects.filter(members=user).values_list("slug", flat=True))


def test_groups_give_their_roles_and_teams(mapped):
    user = UserFactory(username="lena")
    changes = identity_groups_apply(user=user, groups=["ml-engineers", "model-auditors", "other"],
                                    source="oidc")
    assert roles_of(user) == {Role.DATA_SCIENTIST, Role.AUDITOR}
    assert teams_of(user) == {"credit-risk"}
    assert changes.roles_added == sorted([Role.DATA_SCIENTIST, Role.AUDITOR])
    assert changes.teams_added == ["credit-risk"]


def test_a_group_left_at_the_provider_removes_its_role_and_team(mapped):
    user = UserFactory(username="lena")
    identity_groups_apply(user=user, groups=["ml-engineers", "model-auditors", "fraud"],
                          source="ldap")
    changes = identity_groups_apply(user=user, groups=["model-auditors"], source="ldap")
    assert roles_of(user) == {Role.AUDITOR}
    assert teams_of(user) == set()
    assert changes.roles_removed == [Role.DATA_SCIENTIST]
    assert changes.teams_removed == ["credit-risk", "fraud"]


def test_unmapped_roles_and_teams_given_by_hand_stay(mapped):
    user = UserFactory(username="lena", roles=[Role.CAB_MEMBER])
    own_team = TeamFactory(slug="platform")
    own_team.members.add(user)
    identity_groups_apply(user=user, groups=[], source="oidc")
    assert roles_of(user) == {Role.CAB_MEMBER}
    assert teams_of(user) == {"platform"}


def test_signing_in_again_with_the_same_groups_changes_nothing(mapped):
    user = UserFactory(username="lena")
    identity_groups_apply(user=user, groups=["ml-engineers"], source="oidc")
    assert not identity_groups_apply(user=user, groups=["ml-engineers"], source="oidc")


def test_joining_and_leaving_a_team_is_in_the_team_history(mapped):
    user = UserFactory(username="lena")
    identity_groups_apply(user=user, groups=["fraud"], source="ldap")
    identity_groups_apply(user=user, groups=[], source="ldap")
    reasons = list(mapped["fraud"].history.order_by("history_date")
                   .values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["lena joined through their ldap groups",
                            "lena left: no longer in a mapped ldap group"]


def test_a_team_the_mapping_names_but_that_does_not_exist_is_skipped(settings, caplog):
    settings.CUSTODIA_IDP_GROUP_MAP = {"ghosts": {"roles": [Role.VALIDATOR], "teams": ["nowhere"]}}
    user = UserFactory(username="lena")
    identity_groups_apply(user=user, groups=["ghosts"], source="oidc")
    assert roles_of(user) == {Role.VALIDATOR}
    assert teams_of(user) == set()
    assert "nowhere" in caplog.text


@pytest.mark.parametrize(("raw", "expected"), [
    (["ml-engineers"], "must be a JSON object"),
    ({"g": {"roles": ["Wizard"]}}, "unknown role(s) Wizard"),
    ({"g": {"roles": "Auditor"}}, '"roles" is a list of names'),
    ({"g": {"permissions": ["x"]}}, 'give an object with "roles" and/or "teams"'),
])
def test_a_malformed_mapping_is_refused_with_the_reason(settings, raw, expected):
    settings.CUSTODIA_IDP_GROUP_MAP = raw
    user = UserFactory(username="lena")
    with pytest.raises(ImproperlyConfigured, match=expected.replace("(", r"\(").replace(")", r"\)")):
        identity_groups_apply(user=user, groups=["g"], source="oidc")
    assert not user.groups.exists()
    assert [error.id for error in check_identity_group_map()] == ["custodia.E001"]


def test_the_system_check_accepts_a_valid_mapping(settings):
    settings.CUSTODIA_IDP_GROUP_MAP = GROUP_MAP
    assert check_identity_group_map() == []
    assert Group.objects.filter(name=Role.AUDITOR).exists()
