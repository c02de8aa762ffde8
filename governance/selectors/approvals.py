"""Reads of approvals shared by the inbox, the panels, the API and the approvals log report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.choices import ApprovalStatus, Decision
from governance.forms import ApprovalsLogParametersForm
from governance.models import ApprovalRequest
from governance.services.reports import (
    ReportContent,
    ReportTable,
    ReportTemplate,
    report_template_register,
)

__all__ = ["build_approvals_log", "inbox", "is_overdue", "overdue_q",
           "register_approvals_log_report", "waiting_for"]


def overdue_q(now=None) -> Q:
    """Requests still waiting past their review deadline (and not yet expired)."""
    now = now or timezone.now()
    return Q(status=ApprovalStatus.PENDING, due_at__lt=now, expires_at__gt=now)


def is_overdue(request: ApprovalRequest) -> bool:
    now = timezone.now()
    return request.status == ApprovalStatus.PENDING and request.due_at < now < request.expires_at


def waiting_for(user, queryset: QuerySet | None = None) -> QuerySet:
    """Pending, unexpired requests `user` may still decide on: not theirs, not of a version
    they wrote or a model they own, not already decided by them, and one their roles count
    for (the CAB member role when the request needs the CAB)."""
    queryset = ApprovalRequest.objects.all() if queryset is None else queryset
    roles = list(user.groups.values_list("name", flat=True))
    counts = Q()
    for role in roles:
        counts |= Q(approver_roles__icontains=f"\"{role}\"")
    if "CAB member" in roles:
        counts |= Q(cab_required=True)
    if not counts:
        return queryset.none()
    return (queryset.filter(counts, status=ApprovalStatus.PENDING,
                            expires_at__gt=timezone.now())
            .exclude(requested_by=user).exclude(model_version__created_by=user)
            .exclude(model_version__model__owner=user).exclude(decisions__approver=user))


def inbox(user, queryset: QuerySet, box: str) -> QuerySet:
    """`box`: waiting (for me), mine (requested by me), overdue, or anything else: all."""
    if box == "waiting":
        return waiting_for(user, queryset)
    if box == "mine":
        return queryset.filter(requested_by=user)
    if box == "overdue":
        return queryset.filter(overdue_q())
    return queryset


# --------------------------------------------------------------------------------------
# The approvals log report
# --------------------------------------------------------------------------------------
APPROVALS_LOG_COLUMNS = [
    "Request", "Model", "Version", "Risk tier", "From stage", "To stage", "Requested by",
    "Requested at", "Approver", "Approver's roles", "Decision", "Comment", "Decided at",
    "Outcome"]


def build_approvals_log(parameters: dict, user) -> ReportContent:
    """Promotion requests made, or decided on, in the period, one row per decision (a
    request nobody decided on yet has one row), with what became of each request.

    Reads only requests about versions `user` may see, in three queries.
    """
    start = _day_start(parameters["start"])
    end = _day_start(parameters["end"]) + timedelta(days=1)
    in_period = (Q(created_at__gte=start, created_at__lt=end)
                 | Q(decisions__created_at__gte=start, decisions__created_at__lt=end))
    requests = ApprovalRequest.objects.restrict(user, "view").filter(
        pk__in=ApprovalRequest.objects.filter(in_period).values("pk"))
    if parameters.get("risk_tier"):
        requests = requests.filter(model_version__model__risk_tier__in=parameters["risk_tier"])
    requests = list(requests.for_list().select_related("model_version__model")
                    .order_by("created_at", "pk"))
    rows = [row for request in requests for row in _approval_rows(request)]
    decisions = [d for r in requests for d in r.decisions.all()]
    return ReportContent(
        title=f"Approvals log {parameters['start']} to {parameters['end']}",
        figures=[("Requests", len(requests)), ("Decisions", len(decisions)),
                 ("Approvals given", sum(1 for d in decisions if d.decision == Decision.APPROVE)),
                 ("Rejections", sum(1 for d in decisions if d.decision == Decision.REJECT)),
                 ("Still waiting", sum(1 for r in requests
                                       if r.status == ApprovalStatus.PENDING))],
        tables=[ReportTable("Requests and decisions, oldest first", APPROVALS_LOG_COLUMNS,
                            rows)],
        notes=[f"Period: {parameters['start']} to {parameters['end']} inclusive: requests "
               "made or decided on in it."])


def _approval_rows(request: ApprovalRequest) -> list[list]:
    version = request.model_version
    outcome = request.get_status_display() + (
        f": {request.status_detail}" if request.status_detail else "")
    head = [f"#{request.pk}", version.model.name, f"v{version.version}",
            version.model.get_risk_tier_display(), request.get_from_stage_display(),
            request.get_to_stage_display(), _person(request.requested_by),
            _when(request.created_at)]
    decisions = list(request.decisions.all())
    if not decisions:
        return [[*head, "—", "—", "no decision yet", "", "", outcome]]
    return [[*head, _person(d.approver), ", ".join(d.roles) or "—", d.get_decision_display(),
             d.comment, _when(d.created_at), outcome] for d in decisions]


def _person(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _day_start(value: str | date) -> datetime:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return timezone.make_aware(datetime.combine(day, time.min))


def register_approvals_log_report() -> None:
    """The approvals log in the reports registry (reports page, API and schedules)."""
    report_template_register(ReportTemplate(
        "approvals-log", "Approvals log",
        "Promotion requests and every decision on them in a period: version, stages, who "
        "asked, each approver with their roles, decision, comment and time, and the outcome.",
        build_approvals_log, ApprovalsLogParametersForm, "governance.view_approvalrequest"))
