# Joins two branches of migrations: reporting rights and unauthorised deployments, and the earlier merge.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0014_reporting_permissions_unauthorised_deployments_high_default_tier'),
        ('inventory', '0018_merge_field_rules_and_version_pins'),
    ]

    operations = [
    ]
