"""A BRIN index on `MetricObservation.created_at` (PostgreSQL only).

Observations are appended in arrival order, so a block-range index answers "rows that
arrived since the last roll-up" from a few pages whatever the table's size. SQLite has no
BRIN indexes; there this migration does nothing.
"""

from django.contrib.postgres.indexes import BrinIndex
from django.db import migrations

INDEX = BrinIndex(fields=["created_at"], name="metricobs_created_brin", pages_per_range=32)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("inventory", "MetricObservation"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("inventory", "MetricObservation"), INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0020_mlmodel_business_impact"),
    ]

    operations = [
        migrations.RunPython(add_index, remove_index, elidable=False),
    ]
