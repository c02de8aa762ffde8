"""Full-text search of the catalogue on PostgreSQL: the GIN index exists and is used."""

from __future__ import annotations

import pytest
from django.db import connection

from inventory.filters import asset_search
from inventory.models import MLModel
from tests.factories.catalogue import MLModelFactory
from tests.services import has_postgresql, require

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture(autouse=True)
def _postgresql_only():
    require("postgresql", has_postgresql())


def test_search_indexes_exist_on_every_asset_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_search_gin'")
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"mlmodel_search_gin", "dataset_search_gin", "feature_search_gin",
                     "pipeline_search_gin"}


def test_search_query_uses_the_gin_index():
    MLModelFactory(name="fraud-card-gbm", purpose="Flags card fraud in real time.")
    queryset = asset_search(MLModel.objects.all(), "fraud")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "mlmodel_search_gin" in plan, plan


def test_web_search_syntax_stemming_and_exclusion():
    MLModelFactory(name="fraud-card-gbm", purpose="Flags card frauds in real time.")
    MLModelFactory(name="fraud-wire-gbm", purpose="Flags wire transfer fraud.")
    found = set(asset_search(MLModel.objects.all(), "fraud -wire").values_list("name", flat=True))
    assert found == {"fraud-card-gbm"}
    assert set(asset_search(MLModel.objects.all(), "flagging").values_list("name", flat=True)) == {
        "fraud-card-gbm", "fraud-wire-gbm"}
