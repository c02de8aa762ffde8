"""Write the beat schedules declared in code to django-celery-beat (idempotent)."""

from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.commands import AuditedCommand
from core.schedules import SCHEDULES


class Command(AuditedCommand):
    help = "Create or update the periodic tasks declared in code (admin edits to timing are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true",
                            help="Also reset intervals and enabled flags to the code's values.")

    @transaction.atomic
    def handle(self, *args, reset: bool = False, **options):
        for name, (task, every, kwargs) in SCHEDULES.items():
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=int(every.total_seconds()), period=IntervalSchedule.SECONDS)
            periodic, created = PeriodicTask.objects.get_or_create(
                name=name, defaults={"task": task, "interval": interval, "kwargs": _json(kwargs)})
            if not created:
                periodic.task = task
                periodic.kwargs = _json(kwargs)
                if reset:
                    periodic.interval, periodic.crontab, periodic.enabled = interval, None, True
                periodic.save()
            self.stdout.write(f"{'created' if created else 'kept'}: {name} -> {task}")


def _json(value: dict) -> str:
    import json

    return json.dumps(value, sort_keys=True)
