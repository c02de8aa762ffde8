"""Export and import of the inventory for CMDBs and asset registers (issue 4, item 9).

Schema `custodia.inventory/v1` (documented in the README): five sections, `models`,
`datasets`, `features`, `pipelines` and `model_versions`, one object (JSON) or row (CSV)
per record, with the columns of `SECTIONS`. People are user names, a team is its slug, a feature's dataset is
the dataset's name, tags and compliance tags are lists of names (`|`-separated in CSV),
JSON-valued fields are JSON text in CSV. `READ_ONLY` columns (e.g. `stage`) are exported
for information and ignored on import. A field the exporting user may not see (the
datasheet of a sensitive dataset) is left out of JSON and written as `[hidden]` in CSV;
on import an absent column or `[hidden]` leaves the field as it is.

Import matches rows to assets by name (case-insensitive), and versions by model name and
number: a new one is registered, a known one updated, through the catalogue services
(same rules as every other door: a frozen version never changes, and a new version must
carry the next number, since Custodia numbers versions without gaps).
Round-trip safe: importing an export changes nothing (rows equal to the stored asset are
"unchanged" and write no history). All or nothing: every row is tried in one
transaction; if any row has errors, the transaction is rolled back and the report lists
each bad row with its field errors.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.permissions import user_can
from inventory.models import FROZEN_STAGES, Dataset, Feature, MLModel, ModelVersion, Pipeline, Team

__all__ = [
    "HIDDEN",
    "READ_ONLY",
    "SCHEMA",
    "SECTIONS",
    "ImportReport",
    "inventory_export",
    "inventory_export_csv",
    "inventory_import",
    "parse_csv",
]

SCHEMA = "custodia.inventory/v1"
HIDDEN = "[hidden]"
LIST_SEPARATOR = "|"

_COMMON = ["name", "purpose", "description", "owner", "steward", "team", "domain", "tags",
           "compliance_tags", "confidential", "tracked_artefacts"]
SECTIONS: dict[str, tuple[type[models.Model], list[str]]] = {
    "models": (MLModel, [*_COMMON, "stage", "risk_tier", "purpose_category",
                         "development_cost", "origin", "supplier", "source_url", "licence",
                         "permitted_uses", "redistribution", "redistribution_terms",
                         "attribution", "training_date", "input_schema", "output_schema",
                         "evaluation_metrics", "training_environment",
                         "inference_requirements"]),
    "datasets": (Dataset, [*_COMMON, "sensitivity", "storage_mode", "residency_region",
                           "access_frequency", *Dataset.DATASHEET_FIELDS]),
    "features": (Feature, [*_COMMON, "data_type", "dataset", "transformation"]),
    "pipelines": (Pipeline, [*_COMMON, "repository_url", "orchestrator", "schedule"]),
    # Keyed by (model, version): numbers are Custodia's, so a new row must carry the next one.
    "model_versions": (ModelVersion, ["model", "version", "stage", "description",
                                      "artifact_uri", "artifact_sha256", "artifact_size",
                                      "training_date", "input_schema", "output_schema",
                                      "evaluation_metrics", "training_environment",
                                      "inference_requirements", "code_repository",
                                      "code_commit"]),
}
# Exported for information; set by Custodia (promotion, risk officers), ignored on import.
READ_ONLY = frozenset({"stage"})
_ORDER = {"model_versions": ("model__name", "version")}
Actor = AbstractBaseUser | None


# --------------------------------------------------------------------------------------
# Values: stored ↔ exchanged
# --------------------------------------------------------------------------------------
def _to_json(model_field: models.Field, value: Any) -> Any:
    """A stored value as the schema writes it."""
    if model_field.many_to_many:
        return sorted(item.name for item in value.all()) if value is not None else []
    if model_field.is_relation:
        if value is None:
            return None
        if isinstance(value, Team):
            return value.slug
        if isinstance(value, Dataset | MLModel):
            return value.name
        return value.get_username()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no", ""}:
        return False
    raise ValueError("true or false")


def _from_json(model_field: models.Field, value: Any) -> Any:
    """An exchanged value (typed JSON, or CSV text) as the services take it.

    Raises:
        ValueError: with the words a row error shows.
    """
    csv_text = isinstance(value, str)
    if model_field.many_to_many:
        if csv_text:
            return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("a list of names")
        return value
    if model_field.is_relation:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise ValueError("a name")
        target = model_field.related_model
        if target is Team:
            found = Team.objects.filter(slug=value).first()
        elif target in (Dataset, MLModel):
            found = target.objects.filter(name__iexact=value).first()
        else:
            found = get_user_model().objects.filter(username=value, is_active=True).first()
        if found is None:
            raise ValueError(f"no {target._meta.verbose_name} “{value}”")
        return found
    if isinstance(model_field, models.BooleanField):
        if isinstance(value, bool):
            return value
        if csv_text:
            return _bool(value)
        raise ValueError("true or false")
    if isinstance(model_field, models.JSONField):
        if csv_text:
            if not value.strip():
                return model_field.get_default()
            try:
                return json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"JSON text ({error.msg})") from error
        return value
    if isinstance(model_field, models.IntegerField):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise ValueError("a whole number")
        try:
            number = int(value) if isinstance(value, int) or csv_text else None
        except ValueError:
            number = None
        if number is None or number < 0:
            raise ValueError("a whole number")
        return number
    if isinstance(model_field, models.DecimalField):
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation as error:
            raise ValueError("a number") from error
    if isinstance(model_field, models.DateField):
        if value in (None, ""):
            return None
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError as error:
            raise ValueError("a date as YYYY-MM-DD") from error
    if value is None:
        return "" if not model_field.null else None
    if not isinstance(value, str):
        raise ValueError("text")
    return value


# --------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------
def _export_row(obj: models.Model, columns: list[str], user) -> dict[str, Any]:
    hidden = obj.hidden_fields_for(user) if hasattr(obj, "hidden_fields_for") else frozenset()
    row = {}
    for name in columns:
        if name in hidden:
            continue
        model_field = obj._meta.get_field(name)
        value = getattr(obj, name)
        row[name] = _to_json(model_field, value)
    return row


def _visible(model_class: type[models.Model], user):
    queryset = model_class.objects.restrict(user, "view").for_list()
    if model_class is Feature:
        queryset = queryset.select_related("dataset")
    section = next(name for name, (cls, _) in SECTIONS.items() if cls is model_class)
    return queryset.order_by(*_ORDER.get(section, ("name",)))


def inventory_export(*, user, sections: list[str] | None = None) -> dict[str, Any]:
    """The inventory `user` may see, as a `custodia.inventory/v1` document.

    Raises:
        ValidationError: an unknown section name.
    """
    wanted = _sections(sections)
    document: dict[str, Any] = {"schema": SCHEMA, "exported_at": timezone.now().isoformat()}
    for section in wanted:
        model_class, columns = SECTIONS[section]
        document[section] = [_export_row(obj, columns, user)
                             for obj in _visible(model_class, user)]
    return document


def _csv_cell(value: Any, *, names: bool) -> str:
    """CSV text of an exchanged value; `names`: a many-to-many list, `|`-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if names:
        return LIST_SEPARATOR.join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def inventory_export_csv(*, user, section: str) -> str:
    """One section as CSV text (header row = the section's columns)."""
    model_class, columns = SECTIONS[_sections([section])[0]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for obj in _visible(model_class, user):
        row = _export_row(obj, columns, user)
        writer.writerow([
            _csv_cell(row[name], names=model_class._meta.get_field(name).many_to_many)
            if name in row else HIDDEN for name in columns])
    return out.getvalue()


def _sections(sections: list[str] | None) -> list[str]:
    if not sections:
        return list(SECTIONS)
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise ValidationError({"section": [
            f"Unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}."]})
    return list(sections)


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What an import did (or, when refused or a dry run, would have done)."""

    created: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "dry_run": self.dry_run, "written": self.written,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": self.errors}


class _Rollback(Exception):
    pass


def parse_csv(text: str) -> list[dict[str, str]]:
    """Rows of a CSV export (header row first); raises ValidationError if it is not one."""
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        rows = list(reader)
    except csv.Error as error:
        raise ValidationError({"file": [f"Not a CSV file: {error}"]}) from error
    if not reader.fieldnames:
        raise ValidationError({"file": ["The CSV file is empty; the first row names the columns."]})
    return rows


def _row_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("row" if k == "__all__" else k): [str(m) for m in v]
                for k, v in error.message_dict.items()}
    return {"row": [str(m) for m in error.messages]}


def _import_row(*, section: str, number: int, row: Any, actor: Actor, reason: str,
                report: ImportReport) -> None:
    from inventory.services import catalogue

    model_class, columns = SECTIONS[section]
    where = {"section": section, "row": number}
    if not isinstance(row, dict):
        report.errors.append({**where, "errors": {"row": ["An object of column → value."]}})
        return
    if model_class is ModelVersion:
        _import_version_row(where=where, row=row, actor=actor, reason=reason, report=report)
        return
    name = str(row.get("name") or "").strip()
    where["name"] = name
    incoming, errors = _parse_row(model_class, columns, row, section)
    if not name:
        errors["name"] = ["Every row needs a name."]
    if errors:
        report.errors.append({**where, "errors": errors})
        return
    existing = model_class.objects.filter(name__iexact=name).first()
    try:
        with transaction.atomic():
            if existing is None:
                if actor is not None and not user_can(actor, "add", model=model_class):
                    raise ValidationError(f"You may not register {model_class._meta.verbose_name_plural}.")
                asset = catalogue.asset_create(model_class=model_class, actor=actor,
                                               reason=reason, data=incoming)
                report.created.append({**where, "id": asset.pk})
                return
            stored = _export_row(existing, columns, actor)
            changed = {k: v for k, v in incoming.items()
                       if _to_json_loose(model_class._meta.get_field(k), v) != stored.get(k)}
            if not changed:
                report.unchanged += 1
                return
            if actor is not None and not user_can(actor, "change", existing):
                raise ValidationError(f"You may not change “{existing}”.")
            catalogue.asset_update(asset=existing, actor=actor, reason=reason, data=changed)
            report.updated.append({**where, "id": existing.pk, "fields": sorted(changed)})
    except ValidationError as error:
        report.errors.append({**where, "errors": _row_errors(error)})


def _parse_row(model_class, columns: list[str], row: dict, section: str,
               ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Incoming values as the services take them, and each column's error."""
    errors: dict[str, list[str]] = {k: [f"Unknown column; the {section} columns are: "
                                        f"{', '.join(columns)}."]
                                    for k in sorted(set(row) - set(columns))}
    incoming: dict[str, Any] = {}
    for column in columns:
        if column in READ_ONLY or column not in row or row[column] == HIDDEN:
            continue
        try:
            incoming[column] = _from_json(model_class._meta.get_field(column), row[column])
        except ValueError as error:
            errors[column] = [f"Expected {error}."]
    return incoming, errors


def _import_version_row(*, where: dict, row: dict, actor: Actor, reason: str,
                        report: ImportReport) -> None:
    """A model version: updated while not frozen, registered when it is the next number."""
    from inventory.services import catalogue

    _, columns = SECTIONS["model_versions"]
    incoming, errors = _parse_row(ModelVersion, columns, row, "model_versions")
    model, number = incoming.pop("model", None), incoming.pop("version", None)
    where["name"] = f"{row.get('model', '')} v{row.get('version', '')}"
    if model is None and "model" not in errors:
        errors["model"] = ["Every version row names its model."]
    if number is None and "version" not in errors:
        errors["version"] = ["Every version row has its number."]
    if errors:
        report.errors.append({**where, "errors": errors})
        return
    existing = ModelVersion.objects.filter(model=model, version=number).first()
    try:
        with transaction.atomic():
            if existing is None:
                expected = (model.versions.order_by("-version").values_list(
                    "version", flat=True).first() or 0) + 1
                if number != expected:
                    raise ValidationError({"version": [
                        f"Custodia numbers versions: the next version of “{model}” is "
                        f"{expected}."]})
                if actor is not None and not (user_can(actor, "add", model=ModelVersion)
                                              and user_can(actor, "change", model)):
                    raise ValidationError(f"You may not register versions of “{model}”.")
                version = catalogue.model_version_register(model=model, actor=actor,
                                                           reason=reason, data=incoming)
                report.created.append({**where, "id": version.pk})
                return
            stored = _export_row(existing, columns, actor)
            changed = {k: v for k, v in incoming.items()
                       if _to_json_loose(ModelVersion._meta.get_field(k), v) != stored.get(k)}
            if not changed:
                report.unchanged += 1
                return
            if existing.stage in FROZEN_STAGES:
                raise ValidationError(f"{existing} reached production and is frozen: "
                                      f"{', '.join(sorted(changed))} cannot change.")
            if actor is not None and not user_can(actor, "change", existing):
                raise ValidationError(f"You may not change “{existing}”.")
            catalogue.model_version_update(version=existing, actor=actor, reason=reason,
                                           data=changed)
            report.updated.append({**where, "id": existing.pk, "fields": sorted(changed)})
    except ValidationError as error:
        report.errors.append({**where, "errors": _row_errors(error)})


def _to_json_loose(model_field: models.Field, value: Any) -> Any:
    """An incoming (parsed) value in export form, to compare with the stored row."""
    if model_field.many_to_many:
        return sorted(str(v).strip().lower() if model_field.name == "tags" else str(v)
                      for v in value or ())
    if model_field.is_relation:
        return _to_json(model_field, value) if value is not None else None
    return _to_json(model_field, value)


def inventory_import(*, document: dict[str, Any], actor: Actor, reason: str,
                     dry_run: bool = False) -> ImportReport:
    """Import a `custodia.inventory/v1` document: all rows or none.

    Args:
        document: `{"schema": ..., "models": [...], ...}`; a CSV import passes
            `{section: parse_csv(text)}`.
        actor: the importing user (permissions apply per row); None for system work.
        reason: kept on every history row written.
        dry_run: check every row and report, then roll back.
    Returns:
        The report; `errors` lists each refused row (section, row number from 1, name,
        field errors) and then nothing was written.
    Raises:
        ValidationError: the document itself is malformed (wrong schema, unknown section).
    """
    if not isinstance(document, dict):
        raise ValidationError({"document": ["A JSON object with the schema's sections."]})
    schema = document.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise ValidationError({"schema": [f"Expected “{SCHEMA}”, got “{schema}”."]})
    sections = [k for k in document if k not in {"schema", "exported_at"}]
    _sections(sections or ["models"])
    for section in sections:
        if not isinstance(document[section], list):
            raise ValidationError({section: ["A list of rows."]})
    report = ImportReport(dry_run=dry_run)
    # Datasets first: features name their dataset.
    ordered = [s for s in SECTIONS if s in sections]
    try:
        with transaction.atomic():
            for section in ordered:
                for number, row in enumerate(document[section], start=1):
                    _import_row(section=section, number=number, row=row, actor=actor,
                                reason=reason, report=report)
            if report.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report
