"""The platform's records now belong to the core app (see core 0001); nothing changes in the
database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_platform_records_move_to_core'),
        ('inventory', '0011_frozen_version_trigger_forward_moves'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are; only Django's idea of the owning app moves.
            state_operations=[
                migrations.RemoveField(
                    model_name='accessevent',
                    name='content_type',
                ),
                migrations.RemoveField(
                    model_name='accessevent',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='idempotencyrecord',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='jobrun',
                    name='user',
                ),
                migrations.AlterField(
                    model_name='deprecationnotice',
                    name='job_run',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.jobrun'),
                ),
                migrations.AlterField(
                    model_name='purgerecord',
                    name='job_run',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='core.jobrun'),
                ),
                migrations.DeleteModel(
                    name='OutboxMessage',
                ),
                migrations.RemoveField(
                    model_name='permissiondenial',
                    name='content_type',
                ),
                migrations.RemoveField(
                    model_name='permissiondenial',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='permissiondenial',
                    name='group',
                ),
                migrations.RemoveField(
                    model_name='permissiondenial',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='WorkerHeartbeat',
                ),
                migrations.DeleteModel(
                    name='AccessEvent',
                ),
                migrations.DeleteModel(
                    name='IdempotencyRecord',
                ),
            ],
            database_operations=[],
        ),
    ]
