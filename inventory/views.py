"""Dashboards of the inventory app."""
from inventory.base.tables import Column
from inventory.base.views import ObjectDetailView, ObjectListView
from inventory.choices import JobStatus
from inventory.filters import AccessEventFilterSet, JobRunFilterSet
from inventory.models import AccessEvent, JobRun

JOB_STATUS_BADGES = {
    JobStatus.QUEUED: "secondary", JobStatus.RUNNING: "primary",
    JobStatus.SUCCEEDED: "success", JobStatus.FAILED: "danger",
}


class JobRunListView(ObjectListView):
    model = JobRun
    filterset_class = JobRunFilterSet
    title = "Job runs"
    description = ("Every background job run: reconciliations, integrity checks, reports and "
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
    template_name = "inventory/jobrun_detail.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["inventory/_jobrun_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_badge"] = JOB_STATUS_BADGES.get(self.object.status, "secondary")
        return context


class AccessEventListView(ObjectListView):
    model = AccessEvent
    filterset_class = AccessEventFilterSet
    title = "Access log"
    description = ("Who viewed sensitive records, downloaded, exported or searched — "
                   "kept unchangeable, as evidence.")
    empty_message = "No access has been recorded yet."
    default_sort = "-occurred_at"
    columns = [
        Column("occurred_at", "When", sort="occurred_at"),
        Column("actor", "Who", sort="actor"),
        Column("action", "Action", sort="action", badge={
            "view": "secondary", "download": "warning", "export": "info", "search": "light"}),
        Column(lambda e: e.object_repr or "—", "Record"),
        Column("query", "Search or filter"),
        Column("result_count", "Rows"),
        Column("client_address", "Client address"),
    ]

    def get_queryset(self):
        return super().get_queryset().select_related("content_type")


__all__ = ["AccessEventListView", "JobRunDetailView", "JobRunListView"]
