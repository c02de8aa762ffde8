"""Detail-page panels on the inventory's pages: the inventory's own (where a model runs) and
those other apps register (lineage), rendered without the inventory importing them."""

import pytest
from django.urls import reverse

from core.roles import Role
from inventory.choices import DeploymentStatus
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
)
from tests.factories.lifecycle import DeploymentFactory
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def test_model_page_shows_where_it_runs_and_its_lineage(client):
    model = MLModelFactory(name="credit-default-xgb")
    version = ModelVersionFactory(model=model)
    DeploymentFactory(model_version=version, region="eu-west-1", status=DeploymentStatus.ACTIVE)
    DeploymentFactory(model_version=version, region="us-east-1", status=DeploymentStatus.STOPPED)
    client.force_login(UserFactory(roles=[Role.COMPLIANCE_OFFICER]))

    html = client.get(reverse("inventory:mlmodel_detail", args=[model.pk])).content.decode()

    assert 'data-testid="panel-deployments"' in html and "eu-west-1" in html
    assert "us-east-1" not in html  # stopped deployments are not "where it runs now"
    assert 'data-testid="panel-lineage"' in html
    assert f"/lineage/reproducibility/{version.pk}/" in html


def test_a_model_that_runs_nowhere_has_no_deployments_panel(client):
    model = MLModelFactory(name="churn-gbm")
    ModelVersionFactory(model=model)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    html = client.get(reverse("inventory:mlmodel_detail", args=[model.pk])).content.decode()

    assert 'data-testid="panel-deployments"' not in html


def test_dataset_page_shows_the_lineage_panel(client):
    dataset = DatasetFactory(name="loan-applications")
    DatasetVersionFactory(dataset=dataset)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    html = client.get(reverse("inventory:dataset_detail", args=[dataset.pk])).content.decode()

    assert 'data-testid="panel-lineage"' in html and "Lineage and integrity" in html
