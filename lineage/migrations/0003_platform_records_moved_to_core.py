"""The platform's records now belong to the core app (see core 0001); nothing changes in the
database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_platform_records_move_to_core'),
        ('lineage', '0002_edge_checksum_lives_on_dataset_links'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are; only Django's idea of the owning app moves.
            state_operations=[
                migrations.AlterField(
                    model_name='historicalintegrityfinding',
                    name='job_run',
                    field=models.ForeignKey(blank=True, db_constraint=False, help_text='The run that found it.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='core.jobrun'),
                ),
                migrations.AlterField(
                    model_name='integrityfinding',
                    name='job_run',
                    field=models.ForeignKey(blank=True, help_text='The run that found it.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.jobrun'),
                ),
            ],
            database_operations=[],
        ),
    ]
