"""The platform's records (job runs, outbox, heartbeats, access events, denials, idempotency
keys) move from the inventory app to the core app; their tables keep their names."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ["accessevent", "idempotencyrecord", "jobrun", "outboxmessage", "permissiondenial",
         "workerheartbeat"]


def content_types_to_core(apps, schema_editor):
    """Existing permissions, grants and access events follow the models to their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="inventory", model__in=MOVED).update(app_label="core")


def content_types_to_inventory(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="core", model__in=MOVED).update(app_label="inventory")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('inventory', '0011_frozen_version_trigger_forward_moves'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are; only Django's idea of the owning app moves.
            state_operations=[
                migrations.CreateModel(
                    name='WorkerHeartbeat',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('hostname', models.CharField(max_length=200, unique=True)),
                        ('last_seen', models.DateTimeField(db_index=True)),
                    ],
                    options={
                        'db_table': 'inventory_workerheartbeat',
                        'ordering': ['-last_seen'],
                    },
                ),
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('task_name', models.CharField(db_index=True, max_length=200)),
                        ('args', models.JSONField(blank=True, default=list)),
                        ('kwargs', models.JSONField(blank=True, default=dict)),
                        ('actor', models.CharField(max_length=200)),
                        ('status', models.CharField(choices=[('pending', 'Waiting for the broker'), ('sent', 'Handed to the broker'), ('running', 'Running'), ('done', 'Completed'), ('failed', 'Failed')], default='pending', max_length=20)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('last_error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'inventory_outboxmessage',
                        'ordering': ['id'],
                        'indexes': [models.Index(fields=['status', 'id'], name='inventory_o_status_01e4af_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='AccessEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('occurred_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('actor', models.CharField(db_index=True, help_text='Who acted, kept as text so it survives user deletion.', max_length=200)),
                        ('action', models.CharField(choices=[('view', 'Viewed'), ('download', 'Downloaded'), ('export', 'Exported'), ('search', 'Searched')], db_index=True, max_length=20)),
                        ('object_id', models.CharField(blank=True, db_index=True, max_length=64)),
                        ('object_repr', models.CharField(blank=True, max_length=300)),
                        ('path', models.CharField(blank=True, max_length=500)),
                        ('query', models.CharField(blank=True, help_text='Search terms or filters used.', max_length=1000)),
                        ('result_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('client_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('user_agent', models.CharField(blank=True, max_length=300)),
                        ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='access_events', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'inventory_accessevent',
                        'ordering': ['-occurred_at', '-id'],
                        'indexes': [models.Index(fields=['content_type', 'object_id', '-occurred_at'], name='inventory_a_content_635c09_idx'), models.Index(fields=['user', '-occurred_at'], name='inventory_a_user_id_cbe0ad_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='IdempotencyRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scope', models.CharField(help_text='The operation, e.g. cicd.register.', max_length=100)),
                        ('key', models.CharField(max_length=200)),
                        ('request_hash', models.CharField(help_text='SHA-256 of the canonical request.', max_length=64)),
                        ('response_status', models.PositiveSmallIntegerField()),
                        ('response_body', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'inventory_idempotencyrecord',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(fields=('user', 'scope', 'key'), name='idempotencyrecord_unique_key', violation_error_message='This idempotency key was used.')],
                    },
                ),
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(db_index=True, max_length=200)),
                        ('task_id', models.CharField(blank=True, db_index=True, max_length=64)),
                        ('parameters', models.JSONField(blank=True, default=dict)),
                        ('actor', models.CharField(max_length=200)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], db_index=True, default='queued', max_length=20)),
                        ('progress', models.PositiveSmallIntegerField(default=0, help_text='Percent complete.')),
                        ('log', models.TextField(blank=True)),
                        ('result', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='job_runs', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'inventory_jobrun',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['name', '-created_at'], name='inventory_j_name_7f40fa_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('progress__lte', 100)), name='jobrun_progress_at_most_100', violation_error_message='Progress is a percentage (0-100).')],
                    },
                ),
                migrations.CreateModel(
                    name='PermissionDenial',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.CharField(max_length=64)),
                        ('action', models.CharField(help_text='view, change, delete or a custom codename; denying view hides the object entirely.', max_length=60)),
                        ('reason', models.CharField(max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, help_text='Who recorded the denial.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='permission_denials', to='auth.group')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='permission_denials', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'inventory_permissiondenial',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['content_type', 'action', 'object_id'], name='inventory_p_content_874bc5_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('group__isnull', True), ('user__isnull', False)), models.Q(('group__isnull', False), ('user__isnull', True)), _connector='OR'), name='permissiondenial_user_xor_group', violation_error_message='A denial names either a user or a group.')],
                    },
                ),
            ],
            database_operations=[
                migrations.RunPython(content_types_to_core, content_types_to_inventory),
            ],
        ),
    ]
