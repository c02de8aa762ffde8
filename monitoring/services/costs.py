"""Cost records: entered through the API or uploaded as a CSV bill.

An upload is all or nothing: every row is checked (shape, the model or deployment named,
the record's own rules, references unique in the file and in the database) and, if any row
is bad, the error names each bad row and field and nothing is stored. Amounts are decimal
with at most two decimals (cents): they are never converted to floating point.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from core.models.governed import bulk_create_audited
from inventory.models import Deployment, MLModel
from monitoring.choices import CostCategory, CostScope
from monitoring.models import CostRecord

__all__ = ["COST_CSV_COLUMNS", "MAX_UPLOAD_ROWS", "cost_records_import", "parse_amount",
           "parse_month"]

Actor = AbstractBaseUser | None
COST_CSV_COLUMNS = ("month", "scope", "model", "deployment", "category", "amount", "project",
                    "description", "reference")
REQUIRED_COLUMNS = ("month", "scope", "amount")
MAX_UPLOAD_ROWS = 50_000


def parse_month(value: str) -> date:
    """`2026-03` (or a date in that month) -> the month's first day."""
    text = (value or "").strip()
    try:
        year, month = (int(part) for part in text[:7].split("-"))
        if len(text) not in (7, 10):
            raise ValueError
        return date(year, month, 1)
    except ValueError as error:
        raise ValidationError("A month as YYYY-MM, e.g. 2026-03.") from error


def parse_amount(value: str) -> Decimal:
    """A decimal amount with at most two decimals, e.g. 1250.40 (no thousands separators)."""
    text = (value or "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValidationError(f"“{text}” is not an amount; write it like 1250.40.") from error
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError(f"“{text}”: at most two decimals (cents).")
    return amount


def _row_record(row: dict[str, str], *, actor: Actor, source: str) -> CostRecord:
    """One CSV row as an unsaved record; ValidationError naming the bad columns."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"source": source}
    for name in REQUIRED_COLUMNS:
        if not (row.get(name) or "").strip():
            errors[name] = ["Required."]
    for name, parse in (("month", parse_month), ("amount", parse_amount)):
        if name not in errors:
            try:
                values[name] = parse(row[name])
            except ValidationError as error:
                errors[name] = error.messages
    scope = (row.get("scope") or "").strip().lower()
    if scope and scope not in CostScope.values:
        errors["scope"] = [f"One of: {', '.join(CostScope.values)}."]
    values["scope"] = scope
    category = (row.get("category") or "").strip().lower() or CostCategory.COMPUTE
    values["category"] = category
    name = (row.get("model") or "").strip()
    if name:
        model = MLModel.objects.restrict(actor, "view").filter(name__iexact=name).first()
        if model is None:
            errors["model"] = [f"No model named “{name}” that you may see."]
        values["model"] = model
    deployment_id = (row.get("deployment") or "").strip()
    if deployment_id:
        deployment = (Deployment.objects.restrict(actor, "view").filter(pk=deployment_id)
                      .select_related("model_version").first()
                      if deployment_id.isdigit() else None)
        if deployment is None:
            errors["deployment"] = [f"No deployment with id “{deployment_id}” that you may see."]
        values["deployment"] = deployment
    for text_field in ("project", "description", "reference"):
        values[text_field] = (row.get(text_field) or "").strip()
    if errors:
        raise ValidationError(errors)
    record = CostRecord(**values)
    # References are checked for the whole file at once (one query), not row by row.
    record.full_clean(validate_unique=False, validate_constraints=False)
    return record


def cost_records_import(*, actor: Actor, reason: str, text: str, filename: str = ""
                        ) -> list[CostRecord]:
    """Store every row of a CSV bill, or none.

    Args:
        text: CSV with a header row naming columns of `COST_CSV_COLUMNS`.
        filename: kept as each record's source.
    Returns:
        The stored records.
    Raises:
        ValidationError: `{"file": [...]}` for an unreadable file or header, or
            `{"rows": ["row 3: amount: ...", ...]}` listing each bad row (rows count from 1,
            the header not included); nothing is stored.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in COST_CSV_COLUMNS]
    if missing or unknown:
        problems = ([f"Missing columns: {', '.join(missing)}."] if missing else []) + (
            [f"Unknown columns: {', '.join(unknown)}."] if unknown else [])
        raise ValidationError({"file": [*problems, "Columns: " + ", ".join(COST_CSV_COLUMNS)
                                        + "."]})
    reader.fieldnames = header
    source = f"upload: {filename}"[:200] if filename else "upload"
    records: list[CostRecord] = []
    bad: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=1):
        if number > MAX_UPLOAD_ROWS:
            raise ValidationError({"file": [f"At most {MAX_UPLOAD_ROWS} rows per file."]})
        if None in row:
            bad.append(f"row {number}: more values than columns.")
            continue
        try:
            record = _row_record(row, actor=actor, source=source)
        except ValidationError as error:
            bad.extend(f"row {number}: {field}: {' '.join(messages)}"
                       for field, messages in error.message_dict.items())
            continue
        if record.reference:
            if record.reference in seen:
                bad.append(f"row {number}: reference: also on row {seen[record.reference]}.")
            seen.setdefault(record.reference, number)
        records.append(record)
    known = set(CostRecord.objects.filter(reference__in=list(seen))
                .values_list("reference", flat=True))
    bad.extend(f"row {seen[ref]}: reference: “{ref}” is already recorded." for ref in sorted(known))
    if not records and not bad:
        raise ValidationError({"file": ["The file has no rows."]})
    if bad:
        raise ValidationError({"rows": bad})
    with transaction.atomic():
        return bulk_create_audited(CostRecord, records, actor=actor, reason=reason)
