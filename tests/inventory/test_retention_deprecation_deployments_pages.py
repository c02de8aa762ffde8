"""Dashboard lists of legal holds, purged artifacts, deprecation notices and deployments:
who may see them, restricted rows, constant queries, CSV export."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.lifecycle import (
    DeploymentFactory,
    DeprecationNoticeFactory,
    LegalHoldFactory,
    PurgeRecordFactory,
)

pytestmark = pytest.mark.django_db

PAGES = {
    "legalhold": LegalHoldFactory, "purgerecord": PurgeRecordFactory,
    "deprecationnotice": DeprecationNoticeFactory, "deployment": DeploymentFactory,
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_lists_rows_and_exports_csv_for_an_auditor(name, client, auditor):
    PAGES[name]()
    client.force_login(auditor)
    page = client.get(reverse(f"inventory:{name}_list"))
    assert page.status_code == 200
    assert "1 result" in page.content.decode()
    export = client.get(reverse(f"inventory:{name}_list"), {"export": "csv"})
    assert export.status_code == 200


@pytest.mark.parametrize("name", sorted(PAGES))
def test_refused_user_gets_403(name, client, refused_user):
    client.force_login(refused_user)
    assert client.get(reverse(f"inventory:{name}_list")).status_code == 403


@pytest.mark.parametrize("name", sorted(PAGES))
def test_grant_only_user_sees_granted_rows_in_constant_queries(name, client):
    user = UserFactory(username="grant-only")
    factory = PAGES[name]
    factory()  # not granted
    for obj in factory.create_batch(2):
        assign_perm(f"inventory.view_{name}", user, obj)
    client.force_login(user)
    url = reverse(f"inventory:{name}_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert "2 results" in client.get(url).content.decode()
    for obj in factory.create_batch(4):
        assign_perm(f"inventory.view_{name}", user, obj)
    with CaptureQueriesContext(connection) as more:
        assert "6 results" in client.get(url).content.decode()
    assert len(few) == len(more) <= 16


def test_other_teams_confidential_model_stays_hidden(client, data_scientist):
    hidden = ModelVersionFactory(model=MLModelFactory(name="fraud-secret-gbm", confidential=True))
    DeploymentFactory(model_version=hidden)
    DeploymentFactory()
    client.force_login(data_scientist)
    page = client.get(reverse("inventory:deployment_list")).content.decode()
    assert "fraud-secret-gbm" not in page and "1 result" in page
