"""Batch ingestion of metric observations from monitoring systems.

One call carries up to `CUSTODIA_METRIC_BATCH_MAX_ROWS` rows (10,000 by default), each
`{model_version, deployment?, name, kind, value, observed_at, source?}`. The batch is all or
nothing: every row is checked first (shape and value rules in one pass, the versions and
deployments it names in one query each, the right to report in one query per kind of
grant), then everything is written with one bulk insert (PostgreSQL `COPY`) and one
`MetricBatch` receipt. A refused batch names each bad row by its index and reason and
stores nothing.

Who may report: the members of the model's team (service accounts included) or holders
of `report_metrics_mlmodel` on the model — the same right the single-version endpoint
checks (`inventory.services.deployments`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from guardian.shortcuts import assign_perm

from core.permissions import restrict_queryset, user_has_any_permission
from inventory.choices import MetricKind
from inventory.models import Deployment, MetricObservation, MLModel, ModelVersion
from inventory.models.deployments import observation_problems, observed_at_limit
from inventory.services.deployments import REPORT_METRICS
from monitoring.models import MetricBatch

__all__ = ["metric_batch_ingest"]

_FIELDS = frozenset({"model_version", "deployment", "name", "kind", "value", "observed_at",
                     "source"})
_REQUIRED = ("model_version", "name", "value", "observed_at")
MAX_ID = 2**63 - 1  # ids beyond the database's bigint are no record's
_COPY_COLUMNS = ("model_version_id", "deployment_id", "name", "kind", "value", "observed_at",
                 "source", "created_at")


@dataclass(frozen=True, slots=True)
class _Row:
    model_version: int
    deployment: int | None
    name: str
    kind: str
    value: float
    observed_at: datetime.datetime
    source: str


def metric_batch_ingest(*, actor: AbstractBaseUser, rows: Sequence[Any],
                        source: str = "") -> MetricBatch:
    """Validate and store a batch of observations; all rows or none.

    Args:
        actor: who sends it (a monitoring system's service account).
        rows: the observations (see the module docstring).
        source: the sending system, the default of each row's `source`.
    Returns:
        The batch's receipt.
    Raises:
        PermissionDenied: the actor may report metrics of no model, or of not every model
            the batch names (the rows are listed).
        ValidationError: `{"observations[<index>].<field>": [reason]}` per bad row, or
            `{"observations": [...]}` for a batch that is empty or too large.
    """
    if not _may_report_somewhere(actor):
        raise PermissionDenied("You may not report metrics: that right belongs to the members "
                               "of a model's team and to holders of the reporting grant.")
    maximum = settings.CUSTODIA_METRIC_BATCH_MAX_ROWS
    if not isinstance(rows, list | tuple) or not rows:
        raise ValidationError({"observations": ["A non-empty list of observations."]})
    if len(rows) > maximum:
        raise ValidationError({"observations": [
            f"At most {maximum} observations per call; this one has {len(rows)}."]})
    parsed, errors = _parse_rows(rows, default_source=source or actor.get_username())
    parsed, errors = _check_references(parsed, errors)
    _check_report_right(actor, parsed)
    if errors:
        raise ValidationError(_sorted_errors(errors))
    return _store(actor, [row for _, row in parsed], source)


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------
def _may_report_somewhere(actor: AbstractBaseUser) -> bool:
    if not getattr(actor, "is_authenticated", False):
        return False
    return (actor.teams.exists()
            or user_has_any_permission(actor, REPORT_METRICS, MLModel))


def _parse_rows(rows: Sequence[Any], *, default_source: str
                ) -> tuple[list[tuple[int, _Row]], dict[str, list[str]]]:
    """Shape and value rules of every row, in one pass and without a query."""
    parsed: list[tuple[int, _Row]] = []
    errors: dict[str, list[str]] = {}
    now_limit = observed_at_limit()
    oldest = timezone.now() - datetime.timedelta(days=settings.CUSTODIA_METRIC_RAW_RETENTION_DAYS)
    kinds = frozenset(MetricKind.values)
    for index, raw in enumerate(rows):
        problems = _row_problems(raw, kinds)
        if not problems:
            observed_at = _parse_time(raw["observed_at"])
            if observed_at is None:
                problems["observed_at"] = ["An ISO 8601 date and time, e.g. "
                                           "2026-01-31T12:00:00Z."]
            else:
                problems.update(observation_problems(value=raw["value"], observed_at=observed_at,
                                                     latest_allowed=now_limit))
                if observed_at < oldest:
                    problems.setdefault("observed_at", [
                        "Older than the raw retention period "
                        f"({settings.CUSTODIA_METRIC_RAW_RETENTION_DAYS} days)."])
        if problems:
            for field, messages in problems.items():
                errors[f"observations[{index}].{field}"] = messages
            continue
        parsed.append((index, _Row(
            model_version=raw["model_version"], deployment=raw.get("deployment"),
            name=raw["name"].strip(), kind=raw.get("kind") or MetricKind.PERFORMANCE,
            value=float(raw["value"]), observed_at=observed_at,
            source=(raw.get("source") or default_source)[:100])))
    return parsed, errors


def _row_problems(raw: Any, kinds: frozenset[str]) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        return {"non_field_errors": ["An object with model_version, name, value, observed_at."]}
    problems: dict[str, list[str]] = {}
    for name in sorted(set(raw) - _FIELDS):
        problems[name] = ["Unknown field."]
    for name in _REQUIRED:
        if raw.get(name) in (None, ""):
            problems[name] = ["This field is required."]
    if not _is_id(raw.get("model_version"), required=True) and "model_version" not in problems:
        problems["model_version"] = ["The id of a model version (a whole number)."]
    if not _is_id(raw.get("deployment"), required=False):
        problems["deployment"] = ["The id of a deployment (a whole number), or null."]
    name = raw.get("name")
    if "name" not in problems and (not isinstance(name, str) or not name.strip()
                                   or len(name.strip()) > 60 or "\x00" in name):
        problems["name"] = ["A metric name of 1 to 60 characters, e.g. auc or p99_ms."]
    if raw.get("kind") not in (None, "") and raw.get("kind") not in kinds:
        problems["kind"] = [f"Choose one of: {', '.join(sorted(kinds))}."]
    value = raw.get("value")
    if "value" not in problems and not _is_finite_number(value):
        problems["value"] = ["A finite number."]
    source = raw.get("source")
    if source is not None and (not isinstance(source, str) or "\x00" in source):
        problems["source"] = ["Text, e.g. the monitor's name."]
    return problems


def _is_id(value: Any, *, required: bool) -> bool:
    if value is None:
        return not required
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _is_finite_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer too large for a float
        return False


def _parse_time(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            return None
    else:
        return None
    if parsed is None:
        return None
    # A time without an offset is read as UTC, what monitoring systems send.
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def _check_references(parsed: list[tuple[int, _Row]], errors: dict[str, list[str]]
                      ) -> tuple[list[tuple[int, _Row]], dict[str, list[str]]]:
    """Every named version and deployment exists, and each deployment runs its row's version
    (one query each, whatever the batch size)."""
    version_ids = {row.model_version for _, row in parsed}
    deployment_ids = {row.deployment for _, row in parsed if row.deployment is not None}
    known_versions = set(ModelVersion.objects.filter(pk__in=version_ids)
                         .values_list("pk", flat=True))
    runs = dict(Deployment.objects.filter(pk__in=deployment_ids)
                .values_list("pk", "model_version_id")) if deployment_ids else {}
    kept = []
    for index, row in parsed:
        if row.model_version not in known_versions:
            errors[f"observations[{index}].model_version"] = [
                f"No model version with id {row.model_version}."]
        elif row.deployment is not None and row.deployment not in runs:
            errors[f"observations[{index}].deployment"] = [
                f"No deployment with id {row.deployment}."]
        elif row.deployment is not None and runs[row.deployment] != row.model_version:
            errors[f"observations[{index}].deployment"] = [
                f"Deployment {row.deployment} runs another version, not {row.model_version}."]
        else:
            kept.append((index, row))
    return kept, errors


def _check_report_right(actor: AbstractBaseUser, parsed: list[tuple[int, _Row]]) -> None:
    """Refuse the whole batch if it names a model the actor may not report for."""
    version_ids = {row.model_version for _, row in parsed}
    if not version_ids:
        return
    model_of = dict(ModelVersion.objects.filter(pk__in=version_ids)
                    .values_list("pk", "model_id"))
    model_ids = set(model_of.values())
    allowed = set(MLModel.objects.filter(pk__in=model_ids, team__members=actor)
                  .values_list("pk", flat=True))
    if model_ids - allowed:
        allowed |= set(restrict_queryset(MLModel.objects.filter(pk__in=model_ids - allowed),
                                         actor, REPORT_METRICS).values_list("pk", flat=True))
    refused_rows = [(index, row) for index, row in parsed
                    if model_of[row.model_version] not in allowed]
    if refused_rows:
        refused = [index for index, _ in refused_rows]
        versions = sorted({row.model_version for _, row in refused_rows})
        shown = ", ".join(str(i) for i in refused[:20]) + (" …" if len(refused) > 20 else "")
        raise PermissionDenied(
            "You may not report metrics of model version(s) "
            f"{', '.join(str(v) for v in versions)} (rows {shown}): that right belongs to the "
            "members of the model's team. Nothing was stored.")


def _sorted_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    def index(key: str) -> int:
        return int(key[key.index("[") + 1:key.index("]")]) if "[" in key else -1

    return dict(sorted(errors.items(), key=lambda item: (index(item[0]), item[0])))


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------
def _store(actor: AbstractBaseUser, rows: list[_Row], source: str) -> MetricBatch:
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy(rows, now)
        else:
            MetricObservation.objects.bulk_create(
                [MetricObservation(model_version_id=r.model_version, deployment_id=r.deployment,
                                   name=r.name, kind=r.kind, value=r.value,
                                   observed_at=r.observed_at, source=r.source) for r in rows],
                batch_size=500)
        batch = MetricBatch.objects.create(
            submitted_by=actor, source=source[:100], row_count=len(rows),
            model_versions=sorted({r.model_version for r in rows}),
            first_observed_at=min(r.observed_at for r in rows),
            last_observed_at=max(r.observed_at for r in rows))
        assign_perm("monitoring.view_metricbatch", actor, batch)
    return batch


def _copy(rows: list[_Row], created_at: datetime.datetime) -> None:
    """One `COPY … FROM STDIN` for the whole batch (psycopg 3), inside the caller's
    transaction: the fastest bulk insert PostgreSQL offers, and still all or nothing."""
    table = MetricObservation._meta.db_table
    statement = f"COPY {table} ({', '.join(_COPY_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for r in rows:
            copy.write_row((r.model_version, r.deployment, r.name, r.kind, r.value,
                            r.observed_at, r.source, created_at))
