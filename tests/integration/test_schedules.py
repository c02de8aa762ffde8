"""Beat schedules: `manage.py sync_schedules` is idempotent, keeps what an admin edited and
removes what code no longer declares."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.management.commands.sync_schedules import DECLARED_IN_CODE
from core.schedules import SCHEDULES

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_schedules", *args, stdout=out)
    return out.getvalue()


def _rows() -> list[tuple]:
    return list(PeriodicTask.objects.order_by("name").values_list(
        "pk", "name", "task", "interval__every", "interval__period", "kwargs", "enabled"))


def test_sync_twice_writes_the_same_rows() -> None:
    first_output = _sync()
    first = _rows()
    intervals = IntervalSchedule.objects.count()

    second_output = _sync()

    assert _rows() == first
    assert IntervalSchedule.objects.count() == intervals
    assert sorted(name for _, name, *_ in first) == sorted(SCHEDULES)
    for name, (task, every, _kwargs) in SCHEDULES.items():
        row = PeriodicTask.objects.get(name=name)
        assert (row.task, row.interval.every) == (task, int(every.total_seconds()))
    assert first_output.count("created:") == len(SCHEDULES)
    assert second_output.count("kept:") == len(SCHEDULES) and "created:" not in second_output


def test_admin_edits_to_timing_survive_a_second_sync_but_not_reset() -> None:
    _sync()
    heartbeat = PeriodicTask.objects.get(name="Worker heartbeat")
    code_every = heartbeat.interval.every
    slower, _ = IntervalSchedule.objects.get_or_create(every=900, period=IntervalSchedule.SECONDS)
    heartbeat.interval, heartbeat.enabled = slower, False  # as saved from the admin
    heartbeat.save()

    _sync()
    heartbeat.refresh_from_db()
    assert (heartbeat.interval.every, heartbeat.enabled) == (900, False)

    _sync("--reset")
    heartbeat.refresh_from_db()
    assert (heartbeat.interval.every, heartbeat.enabled) == (code_every, True)
    assert PeriodicTask.objects.filter(name="Worker heartbeat").count() == 1


def test_a_schedule_removed_from_code_is_removed_and_admin_schedules_are_kept(monkeypatch) -> None:
    monkeypatch.setitem(SCHEDULES, "Old report", ("core.health", timedelta(hours=1), {}))
    _sync()
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=3600, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="Added by an administrator", task="core.health",
                                interval=every_hour)
    monkeypatch.delitem(SCHEDULES, "Old report")

    output = _sync()

    assert "removed: Old report" in output
    assert not PeriodicTask.objects.filter(name="Old report").exists()
    assert PeriodicTask.objects.filter(name="Added by an administrator").exists()
    assert sorted(PeriodicTask.objects.filter(description=DECLARED_IN_CODE)
                  .values_list("name", flat=True)) == sorted(SCHEDULES)
