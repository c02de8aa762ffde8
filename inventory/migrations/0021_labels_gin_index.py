"""GIN indexes on the key/value labels of models and versions (PostgreSQL only).

The MLflow door filters `tags.<key> = '<value>'` as JSON containment (`labels @> {...}`),
which these indexes serve. SQLite has no GIN indexes; there this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

TABLES = ("MLModel", "ModelVersion")


def _index(model_name: str) -> GinIndex:
    return GinIndex(fields=["labels"], name=f"{model_name.lower()}_labels_gin")


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in TABLES:
        schema_editor.add_index(apps.get_model("inventory", model_name), _index(model_name))


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in TABLES:
        schema_editor.remove_index(apps.get_model("inventory", model_name), _index(model_name))


class Migration(migrations.Migration):
    dependencies = [("inventory", "0020_mlflow_labels_and_runs")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
