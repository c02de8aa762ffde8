"""History written by a job names `job:<name>:<run id>`; by a management command `command:<name>`."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from core.audit import describe_actor
from core.choices import JobStatus
from core.commands import AuditedCommand
from core.jobs import JobContext, custodia_job
from core.models import JobRun
from core.services.job_runs import job_run_submit
from inventory.models import Team
from tests.integration.conftest import wait_for, worker

# Only tests with a worker thread need committed data (transaction=True); the rest roll back.
pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _team_create(slug: str) -> Team:
    team = Team(name=slug.title(), slug=slug, business_unit="Risk")
    team.full_clean()
    team.save()
    return team


@custodia_job("tests.integration.create_team")
def create_team(job: JobContext, *, slug: str) -> dict:
    """Test-only job: writes a governed record, as a real job's service call would."""
    return {"team": _team_create(slug).pk, "actor": describe_actor()}


class CreateTeamCommand(AuditedCommand):
    """Test-only management command writing a governed record."""

    def handle(self, *args, **options) -> None:
        _team_create("command-team")


@pytest.mark.django_db(transaction=True)
def test_history_written_by_a_job_names_the_job_run(filesystem_broker: str) -> None:
    with worker():
        run = job_run_submit(name="tests.integration.create_team", parameters={"slug": "job-team"})
        wait_for(lambda: JobRun.objects.get(pk=run.pk).is_finished, what="the job")

    run.refresh_from_db()
    assert run.status == JobStatus.SUCCEEDED, run.log
    label = f"job:tests.integration.create_team:{run.pk}"
    assert run.result["actor"] == label
    history = Team.objects.get(slug="job-team").history.get()
    assert history.history_actor == label
    assert history.history_user is None
    assert history.history_change_reason == "Scheduled job tests.integration.create_team"


def test_history_written_by_a_command_names_the_command() -> None:
    call_command(CreateTeamCommand())

    history = Team.objects.get(slug="command-team").history.get()
    name = __name__.rsplit(".", 1)[-1]
    assert history.history_actor == f"command:{name}"
    assert history.history_change_reason == f"manage.py {name}"


def test_without_context_the_process_is_named() -> None:
    """No history row is ever anonymous: outside jobs, commands and requests the process is named."""
    _team_create("bare-team")
    assert Team.objects.get(slug="bare-team").history.get().history_actor.startswith("system:")
