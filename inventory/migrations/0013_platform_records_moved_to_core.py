"""The platform's records now belong to the core app (see core 0001); nothing changes in the
database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0012_platform_records_moved_to_core'),
        ('lineage', '0003_platform_records_moved_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are; only Django's idea of the owning app moves.
            state_operations=[
                migrations.DeleteModel(
                    name='JobRun',
                ),
                migrations.DeleteModel(
                    name='PermissionDenial',
                ),
            ],
            database_operations=[],
        ),
    ]
