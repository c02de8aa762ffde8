"""The integrity findings list, with a constant query count."""

from __future__ import annotations

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from lineage.models import IntegrityFinding
from tests.factories.lineage import IntegrityFindingFactory
from tests.factories.users import UserFactory
from tests.lineage.conftest import _browser

pytestmark = pytest.mark.django_db


def test_findings_list_constant_queries_with_object_grants_only():
    reader = UserFactory(username="grantee")
    client = _browser(reader)

    def grant(count: int) -> None:
        for finding in IntegrityFindingFactory.create_batch(count):
            assign_perm("lineage.view_integrityfinding", reader, finding)

    grant(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("lineage:finding_list")).status_code == 200
    grant(6)
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse("lineage:finding_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert all(str(finding.subject) in html for finding in IntegrityFinding.objects.all())
    assert len(large.captured_queries) == len(small.captured_queries) <= 14
    assert IntegrityFinding.objects.count() == 9
