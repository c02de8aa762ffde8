"""The built-in report templates: what each reads and how its tables look.

Each `build_*` reads only what the asking user may see (`restrict`) with a fixed number of
queries, and returns a `ReportContent`; `register_builtin_report_templates()` puts them in
the registry of `governance.services.reports`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from governance.choices import ACTIVE_FINDING_STATUSES, FindingKind
from governance.forms import (
    AnnexIVParametersForm,
    AuditExtractParametersForm,
    FindingsParametersForm,
    InventoryParametersForm,
)
from governance.models import Finding
from governance.selectors.audit_source import audit_entries
from governance.services.reconciliation import INACTIVE_STAGES, review_period_days
from governance.services.reports import (
    ReportContent,
    ReportTable,
    ReportTemplate,
    report_template_register,
)
from inventory.choices import RiskTier
from inventory.models import (
    Deployment,
    MetricObservation,
    MLModel,
    ModelVersion,
    ModelVersionDataset,
)

__all__ = ["ANNEX_IV_SECTIONS", "AUDIT_EXTRACT_LIMIT", "register_builtin_report_templates"]

AUDIT_EXTRACT_LIMIT = 20_000


def _review_due(model: MLModel) -> date | None:
    if model.stage in INACTIVE_STAGES:
        return None
    start = model.last_reviewed_on or timezone.localtime(model.created_at).date()
    return start + timedelta(days=review_period_days(model.risk_tier))


def _person(user) -> str:
    if user is None:
        return "—"
    name = user.get_full_name() or user.get_username()
    return name if user.is_active else f"{name} (inactive)"


# --------------------------------------------------------------------------------------
# Model inventory register
# --------------------------------------------------------------------------------------
def build_inventory_register(parameters: dict, user) -> ReportContent:
    models = MLModel.objects.restrict(user, "view").select_related("team", "owner")
    if parameters.get("risk_tier"):
        models = models.filter(risk_tier__in=parameters["risk_tier"])
    if parameters.get("stage"):
        models = models.filter(stage__in=parameters["stage"])
    models = models.annotate(version_count=Count("versions", distinct=True)).order_by("name")
    rows = []
    for model in models:
        due = _review_due(model)
        rows.append([model.name, model.purpose, model.team.name if model.team else "—",
                     model.team.business_unit if model.team else "—", _person(model.owner),
                     model.get_risk_tier_display(), model.get_stage_display(),
                     model.get_origin_display(), model.licence or "—", model.version_count,
                     model.last_reviewed_on or "never", due or "—"])
    by_tier = {tier.label: sum(1 for r in rows if r[5] == tier.label) for tier in RiskTier}
    return ReportContent(
        title="Model inventory register",
        figures=[("Models", len(rows)), *by_tier.items()],
        tables=[ReportTable("Registered models", [
            "Model", "Purpose", "Team", "Business unit", "Owner", "Risk tier", "Stage",
            "Origin", "Licence", "Versions", "Last review", "Review due"], rows)])


# --------------------------------------------------------------------------------------
# Audit-trail extract
# --------------------------------------------------------------------------------------
def build_audit_extract(parameters: dict, user) -> ReportContent:
    start = _day_start(parameters["start"])
    end = _day_start(parameters["end"]) + timedelta(days=1)
    entries, truncated = audit_entries(start, end, limit=AUDIT_EXTRACT_LIMIT)
    rows = [[e.seq, timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action,
             e.record_type, e.record, e.reason, e.entry_hash] for e in entries]
    changes = sum(1 for e in entries if e.is_change)
    notes = [f"Period: {parameters['start']} to {parameters['end']} inclusive.",
             "Entries of the tamper-evident audit log: each entry's hash covers its content "
             "and the previous entry's hash, so the chain can be verified entry by entry."]
    if truncated:
        notes.append(f"Only the newest {AUDIT_EXTRACT_LIMIT:,} entries are listed: choose a "
                     "shorter period for the rest.")
    return ReportContent(
        title=f"Audit-trail extract {parameters['start']} to {parameters['end']}",
        figures=[("Entries", len(rows)), ("Changes", changes),
                 ("Reads, downloads and exports", len(rows) - changes)],
        tables=[ReportTable("Entries, newest first",
                            ["Entry", "When", "Who", "Action", "Record type", "Record",
                             "Reason or query", "Entry hash (SHA-256)"], rows)],
        notes=notes)


def _day_start(value: str | date) -> datetime:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return timezone.make_aware(datetime.combine(day, time.min))


# --------------------------------------------------------------------------------------
# Reconciliation findings
# --------------------------------------------------------------------------------------
def build_findings(parameters: dict, user) -> ReportContent:
    findings = Finding.objects.restrict(user, "view").select_related("owner").order_by(
        "due_on", "pk")
    if parameters.get("status"):
        findings = findings.filter(status__in=parameters["status"])
    if parameters.get("kind"):
        findings = findings.filter(kind__in=parameters["kind"])
    rows = [[f.get_kind_display(), f.get_status_display(), f.subject, _person(f.owner),
             timezone.localtime(f.first_seen_at).date(), f.due_on,
             "overdue" if f.is_overdue else "", f.remediation, f.detail] for f in findings]
    return ReportContent(
        title="Reconciliation findings",
        figures=[("Findings", len(rows)),
                 *[(kind.label, sum(1 for r in rows if r[0] == kind.label))
                   for kind in FindingKind],
                 ("Overdue", sum(1 for r in rows if r[6]))],
        tables=[ReportTable("Findings, soonest due first", [
            "Kind", "Status", "About", "Owner", "Found", "Due", "Overdue", "Remediation",
            "What was seen"], rows, status_columns=(6,))])


# --------------------------------------------------------------------------------------
# Risk register
# --------------------------------------------------------------------------------------
def build_risk_register(parameters: dict, user) -> ReportContent:
    active = Q(reconciliation_findings__status__in=list(ACTIVE_FINDING_STATUSES))
    counts = {kind: Count("reconciliation_findings", filter=active & Q(
        reconciliation_findings__kind=kind), distinct=True) for kind in FindingKind.values}
    models = MLModel.objects.restrict(user, "view").exclude(stage__in=INACTIVE_STAGES)
    if parameters.get("risk_tier"):
        models = models.filter(risk_tier__in=parameters["risk_tier"])
    if parameters.get("stage"):
        models = models.filter(stage__in=parameters["stage"])
    models = (models.select_related("owner").with_ranks()
              .annotate(**{f"open_{kind}": count for kind, count in counts.items()})
              .order_by("-risk_rank", "name"))
    today = timezone.localdate()
    rows = []
    for model in models:
        due = _review_due(model)
        open_total = sum(getattr(model, f"open_{kind}") for kind in FindingKind.values)
        rows.append([model.get_risk_tier_display(), model.name, model.get_stage_display(),
                     _person(model.owner), model.get_purpose_category_display(),
                     model.last_reviewed_on or "never", due or "—",
                     "overdue" if due and due < today else "", open_total,
                     ", ".join(f"{getattr(model, f'open_{k}')} {FindingKind(k).label.lower()}"
                               for k in FindingKind.values if getattr(model, f"open_{k}"))
                     or "—"])
    return ReportContent(
        title="Risk register",
        figures=[*[(f"{tier.label} risk", sum(1 for r in rows if r[0] == tier.label))
                   for tier in reversed(RiskTier)],
                 ("Reviews overdue", sum(1 for r in rows if r[7]))],
        tables=[ReportTable("Active models, highest risk first", [
            "Risk tier", "Model", "Stage", "Owner", "Purpose", "Last review", "Review due",
            "Review overdue", "Open findings", "Of which"], rows, status_columns=(7,))],
        notes=["Review periods per tier: " + ", ".join(
            f"{tier.label.lower()} every {review_period_days(tier)} days"
            for tier in reversed(RiskTier)) + "."])


# --------------------------------------------------------------------------------------
# EU AI Act Annex IV technical documentation pack
# --------------------------------------------------------------------------------------
ANNEX_IV_SECTIONS = [
    ("1", "General description of the AI system"),
    ("2", "Detailed description of the elements and of the development process"),
    ("3", "Monitoring, functioning and control"),
    ("4", "Appropriateness of the performance metrics"),
    ("5", "Risk management system (Article 9)"),
    ("6", "Relevant changes through the lifecycle"),
    ("7", "Harmonised standards applied"),
    ("8", "EU declaration of conformity (Article 47)"),
    ("9", "Post-market monitoring system (Article 72)"),
]


def build_annex_iv(parameters: dict, user) -> ReportContent:
    model = (MLModel.objects.restrict(user, "view").select_related("owner", "team")
             .prefetch_related("compliance_tags").get(pk=parameters["model"]))
    latest = (ModelVersion.objects.filter(model=model).order_by("-version").first())
    links = list(ModelVersionDataset.objects.filter(model_version=latest).select_related(
        "dataset_version__dataset")) if latest else []
    deployments = list(Deployment.objects.filter(model_version__model=model).select_related(
        "model_version"))
    since = timezone.now() - timedelta(days=90)
    observations = MetricObservation.objects.filter(model_version__model=model,
                                                    observed_at__gte=since).count()
    versions = ModelVersion.objects.filter(model=model).count()
    datasets = [link.dataset_version.dataset for link in links]
    evidence = _annex_iv_evidence(model, latest, links, datasets, deployments, observations,
                                  versions)
    tables, missing = [], 0
    for number, title in ANNEX_IV_SECTIONS:
        rows = evidence[number]
        missing += sum(1 for row in rows if row[1] == "missing")
        tables.append(ReportTable(f"Section {number}. {title}", ["Item", "Status", "Evidence"],
                                  rows, status_columns=(1,)))
    complete = sum(1 for number, _ in ANNEX_IV_SECTIONS
                   if all(row[1] == "present" for row in evidence[number]))
    return ReportContent(
        title=f"EU AI Act Annex IV technical documentation: {model.name}",
        figures=[("Model", model.name), ("Risk tier", model.get_risk_tier_display()),
                 ("Latest version", f"v{latest.version} ({latest.get_stage_display()})"
                  if latest else "none registered"),
                 ("Sections complete", f"{complete} of {len(ANNEX_IV_SECTIONS)}"),
                 ("Items missing", missing)],
        tables=tables,
        notes=["Generated from the inventory. Each item is present when Custodia holds the "
               "evidence named, missing otherwise: missing items must be completed before "
               "the documentation is drawn up (EU AI Act art. 11 and Annex IV)."])


def _item(label: str, value: Any) -> list:
    shown = value if value not in (None, "", [], {}) else None
    return [label, "present" if shown is not None else "missing",
            str(shown) if shown is not None else "not recorded in Custodia"]


def _annex_iv_evidence(model, latest, links, datasets, deployments, observations,
                       versions) -> dict[str, list[list]]:
    v = latest
    running = [d for d in deployments if d.status in ("active", "pending")]
    metrics = (v.evaluation_metrics if v else None) or model.evaluation_metrics
    return {
        "1": [_item("Intended purpose", model.purpose),
              _item("Provider (owner and team)", ", ".join(
                  p for p in (_person(model.owner) if model.owner else "",
                              model.team.name if model.team else "") if p)),
              _item("Version", f"v{v.version}" if v else None),
              _item("Third-party origin and licence", model.get_origin_display()
                    + (f", {model.supplier}" if model.supplier else "")
                    + (f", licence {model.licence}" if model.licence else "")),
              _item("Hardware and software it runs on", (v.inference_requirements if v else "")
                    or model.inference_requirements),
              _item("Where it is placed in service", ", ".join(
                  sorted({str(d) for d in running}))),
              _item("Description for deployers (instructions for use)", model.description)],
        "2": [_item("Training environment", (v.training_environment if v else "")
                    or model.training_environment),
              _item("Code repository and commit", " @ ".join(
                  p for p in ((v.code_repository, v.code_commit) if v else ()) if p)),
              _item("Input specification (schema)", "recorded" if (
                  (v and v.input_schema) or model.input_schema) else None),
              _item("Output specification (schema)", "recorded" if (
                  (v and v.output_schema) or model.output_schema) else None),
              _item("Training, validation and test data", ", ".join(
                  f"{link.get_role_display()}: {link.dataset_version}" for link in links)),
              _item("Data provenance (datasheets: collection method)", "; ".join(
                  f"{d.name}: {d.collection_method}" for d in datasets if d.collection_method)),
              _item("Validation and test results (metrics)", metrics)],
        "3": [_item("Known limitations of the data", "; ".join(
                  f"{d.name}: {d.limitations}" for d in datasets if d.limitations)),
              _item("Known biases (groups of persons)", "; ".join(
                  f"{d.name}: {d.known_biases}" for d in datasets if d.known_biases)),
              _item("Input data specifications", "recorded" if (
                  (v and v.input_schema) or model.input_schema) else None)],
        "4": [_item("Performance metrics recorded", ", ".join(sorted(metrics)) if metrics
                    else None)],
        "5": [_item("Risk tier", model.get_risk_tier_display()),
              _item("Last periodic review", model.last_reviewed_on)],
        "6": [_item("Versions recorded (with their history)", versions or None)],
        "7": [_item("Standards and regulations tagged", ", ".join(
                  t.name for t in model.compliance_tags.all()))],
        "8": [_item("EU declaration of conformity", None)],
        "9": [_item("Monitoring observations in the last 90 days", observations or None),
              _item("Running deployments monitored", len(running) or None)],
    }


def register_builtin_report_templates() -> None:
    for template in (
        ReportTemplate("inventory-register", "Model inventory register",
                       "Every registered model with its owner, team, risk tier, stage, "
                       "origin and review dates.", build_inventory_register,
                       InventoryParametersForm, "inventory.view_mlmodel"),
        ReportTemplate("audit-extract", "Audit-trail extract",
                       "Every entry of the tamper-evident audit log in a period: each change "
                       "to a governed record and each read, download and export, with who, "
                       "when, why, and the entry's number and hash.", build_audit_extract,
                       AuditExtractParametersForm, "core.view_auditevent"),
        ReportTemplate("findings", "Reconciliation findings",
                       "What is running or stored without approval, models nobody owns and "
                       "overdue reviews, with owners and due dates.", build_findings,
                       FindingsParametersForm, "governance.view_finding"),
        ReportTemplate("risk-register", "Risk register",
                       "Active models from the highest risk down, with review status and "
                       "open findings.", build_risk_register, InventoryParametersForm,
                       "inventory.view_mlmodel"),
        ReportTemplate("annex-iv", "EU AI Act Annex IV documentation pack",
                       "For one high-risk model: every Annex IV section with the evidence "
                       "Custodia holds and what is missing.", build_annex_iv,
                       AnnexIVParametersForm, "inventory.view_mlmodel"),
    ):
        report_template_register(template)
