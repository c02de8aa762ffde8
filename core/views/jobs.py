"""Dashboards of background jobs: every run with its progress, log and outcome."""

from __future__ import annotations

from core.choices import JobStatus
from core.filters import JobRunFilterSet
from core.models import JobRun
from core.tables import Column
from core.views.generic import ObjectDetailView, ObjectListView

__all__ = ["JOB_STATUS_BADGES", "JobRunDetailView", "JobRunListView"]

JOB_STATUS_BADGES = {
    JobStatus.QUEUED: "secondary", JobStatus.RUNNING: "primary",
    JobStatus.SUCCEEDED: "success", JobStatus.FAILED: "danger",
}


class JobRunListView(ObjectListView):
    model = JobRun
    filterset_class = JobRunFilterSet
    title = "Job runs"
    description = ("Every background job run: deprecation triggers and notices, retention "
                   "purges, webhook deliveries, dataset integrity and residency checks and "
                   "housekeeping, with who started it and how it ended.")
    empty_message = "No job has run yet. Scheduled jobs appear here once a worker picks them up."
    default_sort = "-created_at"
    columns = [
        Column("pk", "Run", sort="id", link=True),
        Column("name", "Job", sort="name"),
        Column("status", "Status", sort="status", badge=JOB_STATUS_BADGES),
        Column(lambda run: f"{run.progress} %", "Progress"),
        Column("actor", "Started by", sort="actor"),
        Column("created_at", "Queued", sort="created_at"),
        Column("finished_at", "Finished", sort="finished_at"),
    ]


class JobRunDetailView(ObjectDetailView):
    model = JobRun
    template_name = "core/jobrun_detail.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["core/_jobrun_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_badge"] = JOB_STATUS_BADGES.get(self.object.status, "secondary")
        return context
