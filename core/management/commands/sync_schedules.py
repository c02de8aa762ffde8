"""Write the beat schedules declared in code to django-celery-beat (idempotent)."""

import json

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.commands import AuditedCommand
from core.schedules import SCHEDULES

# Marks the periodic tasks this command manages: a schedule removed from code is removed from
# the database on the next sync; periodic tasks an administrator added are left alone.
DECLARED_IN_CODE = "Declared in code; timing edits here are kept, removal happens in code."


class Command(AuditedCommand):
    help = ("Create or update the periodic tasks declared in code and remove those no longer "
            "declared (admin edits to timing are kept; tasks added in the admin are untouched).")

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Also reset intervals and enabled flags to the code's values.")

    @transaction.atomic
    def handle(self, *args, reset: bool = False, **options):
        for name, (task, every, kwargs) in SCHEDULES.items():
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=int(every.total_seconds()), period=IntervalSchedule.SECONDS)
            periodic, created = PeriodicTask.objects.get_or_create(
                name=name, defaults={"task": task, "interval": interval, "kwargs": _json(kwargs),
                                     "description": DECLARED_IN_CODE})
            if not created:
                periodic.task, periodic.kwargs = task, _json(kwargs)
                periodic.description = DECLARED_IN_CODE
                if reset:
                    periodic.interval, periodic.crontab, periodic.enabled = interval, None, True
                periodic.save()
            self.stdout.write(f"{'created' if created else 'kept'}: {name} -> {task}")
        removed = PeriodicTask.objects.filter(description=DECLARED_IN_CODE).exclude(
            name__in=list(SCHEDULES))
        for periodic in removed:
            self.stdout.write(f"removed: {periodic.name} -> {periodic.task} (no longer declared)")
            periodic.delete()


def _json(value: dict) -> str:
    return json.dumps(value, sort_keys=True)
