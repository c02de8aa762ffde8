"""Webhook signing secrets are no longer kept in the history: blank the ones already there
(the next migration then drops the column)."""

from django.db import migrations


def scrub_secrets(apps, schema_editor) -> None:
    historical = apps.get_model("inventory", "HistoricalWebhook")
    # A plain update on purpose: history rows are not governed records themselves, and
    # the column is dropped right after.
    historical.objects.exclude(secret="").update(secret="")


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0014_modelversion_environment_digest"),
    ]

    operations = [
        migrations.RunPython(scrub_secrets, migrations.RunPython.noop),
    ]
