"""Lineage's panels on the inventory's model and dataset pages."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.panels import panels_for
from core.roles import Role
from lineage.choices import FindingKind, FindingStatus, NodeType
from lineage.models import IntegrityFinding, LineageNode
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
)
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _model_with_versions(count: int, name: str = "churn-gbm"):
    model = MLModelFactory(name=name)
    for _ in range(count):
        version = ModelVersionFactory(model=model)
        LineageNode.objects.create(node_type=NodeType.MODEL_VERSION, namespace="custodia",
                                   name=f"{name}/{version.version}", model_version=version)
    return model


def test_model_panel_links_each_version_to_its_lineage_and_findings():
    model = _model_with_versions(2)
    version = model.versions.first()
    IntegrityFinding.objects.create(kind=FindingKind.values[0], status=FindingStatus.OPEN,
                                    model_version=version, detail="bytes changed")
    reader = UserFactory(roles=[Role.AUDITOR])

    (panel,) = [p for p in panels_for(_request(reader), model) if p.key == "lineage"]

    assert "where its data came from" in panel.html
    assert f"/lineage/reproducibility/{version.pk}/" in panel.html
    assert 'text-bg-danger' in panel.html


def test_model_panel_costs_the_same_queries_for_more_versions():
    reader = UserFactory(roles=[Role.AUDITOR])
    few, many = _model_with_versions(2, name="churn-gbm"), _model_with_versions(6, name="fraud-net")
    panels_for(_request(reader), few)  # the reader's permission cache is filled once per request

    def queries(model) -> int:
        with CaptureQueriesContext(connection) as captured:
            panels_for(_request(reader), model)
        return len(captured)

    assert queries(many) == queries(few)


def test_dataset_panel_and_its_absence_without_the_lineage_permission():
    dataset = DatasetFactory(name="loans")
    DatasetVersionFactory(dataset=dataset)

    with_role = panels_for(_request(UserFactory(roles=[Role.COMPLIANCE_OFFICER])), dataset)
    without = panels_for(_request(UserFactory()), dataset)

    assert [p.key for p in with_role] == ["lineage"]
    assert "not in the graph yet" in with_role[0].html
    assert without == []


def test_a_model_without_versions_shows_no_lineage_panel():
    model = MLModelFactory(name="empty-model")
    keys = [p.key for p in panels_for(_request(UserFactory(roles=[Role.AUDITOR])), model)]
    assert "lineage" not in keys
