"""Full-text search indexes of the catalogue (PostgreSQL only).

A GIN index over `to_tsvector('english', name || purpose || description)` for each asset
table. It is built from the same `SearchVector` expression that `inventory.filters` queries
with, so PostgreSQL's planner can use it. SQLite has no GIN indexes and searches with
`icontains` instead, so there this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

ASSETS = ("MLModel", "Dataset", "Feature", "Pipeline")
SEARCH_FIELDS = ("name", "purpose", "description")
SEARCH_CONFIG = "english"


def _index(model_name: str) -> GinIndex:
    return GinIndex(SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG),
                    name=f"{model_name.lower()}_search_gin")


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in ASSETS:
        schema_editor.add_index(apps.get_model("inventory", model_name), _index(model_name))


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in ASSETS:
        schema_editor.remove_index(apps.get_model("inventory", model_name), _index(model_name))


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0003_catalogue"),
    ]

    operations = [
        migrations.RunPython(add_indexes, remove_indexes, elidable=False),
    ]
