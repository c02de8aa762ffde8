# Joins two branches of migrations: field-rule validators and the version pins and webhook secret changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0014_field_rules_as_validators'),
        ('inventory', '0017_modelversion_commit_signature_reported'),
    ]

    operations = [
    ]
