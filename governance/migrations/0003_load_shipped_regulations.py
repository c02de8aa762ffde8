"""The shipped regulatory frameworks (GDPR, CCPA, HIPAA, SOX, EU AI Act, NIST AI RMF,
SR 11-7, SR 26-2), loaded from governance/data/regulations by the same loader as
`manage.py load_regulations`, through this migration's models."""

from django.db import migrations


def load(apps, schema_editor):
    from governance.services.regulations import regulations_load

    regulations_load(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0002_regulations_and_compliance_status"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
