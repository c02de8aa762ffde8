"""OpenLineage RunEvent ingestion (what the OpenLineage HTTP transport posts).

An event is validated whole before anything is written (a malformed one writes nothing),
and stored once: its SHA-256 over canonical JSON is unique, so a client retrying the same
event (the Python client retries on timeouts) changes nothing the second time.

Custodia's own records take part by name: an input or output in the `custodia` namespace
named `dataset-versions/<id>` or `model-versions/<id>` is that registered version.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from inventory.models import DatasetVersion, ModelVersion
from lineage.choices import EdgeKind, NodeType, RunState
from lineage.models import CUSTODIA_NAMESPACE, ColumnLineage, LineageEvent, LineageNode
from lineage.services.graph import dataset_version_node, edges_ensure, model_version_node, node_ensure

__all__ = ["IngestResult", "openlineage_event_ingest", "openlineage_event_validate"]

TERMINAL = {RunState.COMPLETE, RunState.FAIL, RunState.ABORT}
_CUSTODIA_NAME = re.compile(r"^(dataset-versions|model-versions)/(\d+)$")
MAX_DATASETS = 500  # per side of one event; a bigger event is refused rather than half-read


@dataclass(frozen=True)
class IngestResult:
    event: LineageEvent
    created: bool


# --------------------------------------------------------------------------------------
# Validation: every problem at once, named by its JSON path
# --------------------------------------------------------------------------------------
def openlineage_event_validate(payload: Any) -> dict[str, list[str]]:
    """Problems of a RunEvent, keyed by JSON path (`run.runId`, `inputs.1.name`)."""
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if not isinstance(payload, dict):
        return {"non_field_errors": ["Send one OpenLineage RunEvent as a JSON object."]}
    event_type = payload.get("eventType")
    if event_type is not None and event_type not in RunState.values:
        add("eventType", f"Must be one of {', '.join(RunState.values)}.")
    event_time = payload.get("eventTime")
    if not isinstance(event_time, str) or not _parse_time(event_time):
        add("eventTime", "Required: an ISO 8601 date-time with a time zone.")
    for key in ("producer", "schemaURL"):
        if not isinstance(payload.get(key), str) or not payload[key].strip():
            add(key, "Required: a URI.")
    run = payload.get("run")
    if not isinstance(run, dict):
        add("run", "Required: an object with runId.")
    else:
        try:
            uuid.UUID(str(run.get("runId", "")))
        except ValueError:
            add("run.runId", "Required: a UUID.")
        if not isinstance(run.get("facets", {}), dict):
            add("run.facets", "Must be an object.")
    job = payload.get("job")
    if not isinstance(job, dict):
        add("job", "Required: an object with namespace and name.")
    else:
        _check_name(job, "job", add)
        if not isinstance(job.get("facets", {}), dict):
            add("job.facets", "Must be an object.")
    for side in ("inputs", "outputs"):
        datasets = payload.get(side, [])
        if not isinstance(datasets, list):
            add(side, "Must be a list of datasets.")
            continue
        if len(datasets) > MAX_DATASETS:
            add(side, f"At most {MAX_DATASETS} datasets per event.")
            continue
        for index, dataset in enumerate(datasets):
            path = f"{side}.{index}"
            if not isinstance(dataset, dict):
                add(path, "Must be an object with namespace and name.")
                continue
            _check_name(dataset, path, add)
            for facets in ("facets", "inputFacets", "outputFacets"):
                if not isinstance(dataset.get(facets, {}), dict):
                    add(f"{path}.{facets}", "Must be an object.")
            _check_column_lineage(dataset, path, add)
    return errors


def _check_name(obj: dict, path: str, add) -> None:
    for key, limit in (("namespace", 300), ("name", 500)):
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            add(f"{path}.{key}", "Required: a non-empty string.")
        elif len(value) > limit:
            add(f"{path}.{key}", f"At most {limit} characters.")


def _check_column_lineage(dataset: dict, path: str, add) -> None:
    facet = (dataset.get("facets") or {}).get("columnLineage") if isinstance(
        dataset.get("facets"), dict) else None
    if facet is None:
        return
    fields = facet.get("fields") if isinstance(facet, dict) else None
    if not isinstance(fields, dict):
        add(f"{path}.facets.columnLineage.fields", "Must be an object of output fields.")
        return
    for out_field, spec in fields.items():
        inputs = spec.get("inputFields") if isinstance(spec, dict) else None
        where = f"{path}.facets.columnLineage.fields.{out_field}.inputFields"
        if not isinstance(inputs, list):
            add(where, "Must be a list.")
            continue
        for index, item in enumerate(inputs):
            if not isinstance(item, dict) or not all(
                    isinstance(item.get(k), str) and item.get(k) for k in
                    ("namespace", "name", "field")):
                add(f"{where}.{index}", "Needs namespace, name and field.")


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


# --------------------------------------------------------------------------------------
# Ingestion
# --------------------------------------------------------------------------------------
def openlineage_event_ingest(*, payload: Any, actor) -> IngestResult:
    """Validate and store one RunEvent, then update the graph: the job, its run and state,
    dataset nodes, consumed/produced edges and column lineage.

    Returns:
        The stored event, and whether it was new (False: the same event came before).
    Raises:
        ValidationError: every problem of the event, by JSON path; nothing is written.
    """
    errors = openlineage_event_validate(payload)
    if errors:
        raise ValidationError(errors)
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"),
                                       ensure_ascii=False).encode()).hexdigest()
    existing = LineageEvent.objects.filter(event_hash=digest).first()
    if existing is not None:
        return IngestResult(existing, False)
    try:
        return _ingest_new(payload, actor, digest)
    except IntegrityError:
        # The same event arrived twice at once (a client retry): the other copy won.
        existing = LineageEvent.objects.filter(event_hash=digest).first()
        if existing is None:
            raise
        return IngestResult(existing, False)


def _ingest_new(payload: dict, actor, digest: str) -> IngestResult:
    with transaction.atomic():
        records = _custodia_records(payload, actor)
        event = LineageEvent(
            event_hash=digest, event_type=payload.get("eventType") or RunState.OTHER,
            event_time=_parse_time(payload["eventTime"]), run_id=str(payload["run"]["runId"]),
            job_namespace=payload["job"]["namespace"], job_name=payload["job"]["name"],
            producer=payload["producer"], payload=payload,
            received_by=actor if getattr(actor, "is_authenticated", False) else None)
        event.save()
        _apply(event, payload, records)
    return IngestResult(event, True)


def _custodia_records(payload: dict, actor) -> dict[tuple[str, str], LineageNode]:
    """Nodes of the registered versions an event names; an unknown or invisible one is a
    field error (an automation token must not link records it cannot see)."""
    wanted: dict[str, dict[int, list[str]]] = {"dataset-versions": {}, "model-versions": {}}
    for side in ("inputs", "outputs"):
        for index, dataset in enumerate(payload.get(side) or []):
            match = _CUSTODIA_NAME.match(dataset["name"])
            if dataset["namespace"] == CUSTODIA_NAMESPACE and match:
                wanted[match[1]].setdefault(int(match[2]), []).append(f"{side}.{index}.name")
    found: dict[tuple[str, str], LineageNode] = {}
    errors: dict[str, list[str]] = {}
    for kind, model, make in (("dataset-versions", DatasetVersion, dataset_version_node),
                              ("model-versions", ModelVersion, model_version_node)):
        if not wanted[kind]:
            continue
        # System work (actor None: jobs, commands) may link any record.
        visible = model.objects.all() if actor is None else model.objects.restrict(actor, "view")
        rows = visible.in_bulk(list(wanted[kind]))
        for pk, paths in wanted[kind].items():
            if pk not in rows:
                for path in paths:
                    errors[path] = [f"No registered {kind[:-1].replace('-', ' ')} {pk} "
                                    "visible to you."]
            else:
                found[(CUSTODIA_NAMESPACE, f"{kind}/{pk}")] = make(rows[pk])
    if errors:
        raise ValidationError(errors)
    return found


def _apply(event: LineageEvent, payload: dict, records: dict) -> None:
    job_facets = payload["job"].get("facets") or {}
    job = node_ensure(node_type=NodeType.JOB, namespace=event.job_namespace,
                      name=event.job_name, label=event.job_name)
    if job_facets:
        job.facets = {**job.facets, **job_facets}
        job.save(update_fields=["facets", "updated_at"])
    run = node_ensure(node_type=NodeType.RUN, namespace=event.job_namespace, name=event.run_id,
                      job=job, label=f"{event.job_name} run {event.run_id[:8]}")
    _advance_run(run, event, payload["run"].get("facets") or {})
    edges = [(job, run, EdgeKind.RAN)]
    datasets: dict[tuple[str, str], LineageNode] = {}
    for side, kind in (("inputs", EdgeKind.CONSUMED), ("outputs", EdgeKind.PRODUCED)):
        for item in payload.get(side) or []:
            node = _dataset_node(item, records, datasets)
            edges.append((node, run, kind) if side == "inputs" else (run, node, kind))
    edges_ensure(edges)
    _column_lineage(payload, records, datasets)


def _dataset_node(item: dict, records: dict, cache: dict) -> LineageNode:
    key = (item["namespace"], item["name"])
    if key not in cache:
        node = records.get(key) or node_ensure(
            node_type=NodeType.DATASET, namespace=item["namespace"], name=item["name"],
            label=item["name"])
        facets = item.get("facets") or {}
        if facets and node.dataset_version_id is None and node.model_version_id is None:
            node.facets = {**node.facets, **facets}
            node.save(update_fields=["facets", "updated_at"])
        cache[key] = node
    return cache[key]


def _advance_run(run: LineageNode, event: LineageEvent, facets: dict) -> None:
    """A run moves forward only: a late START after COMPLETE does not reopen it."""
    changed = ["updated_at"]
    if event.event_type in (RunState.START, RunState.RUNNING, *TERMINAL) and not (
            run.state in TERMINAL and event.event_type not in TERMINAL):
        run.state = event.event_type
        changed.append("state")
    if event.event_type == RunState.START and (run.started_at is None
                                               or event.event_time < run.started_at):
        run.started_at = event.event_time
        changed.append("started_at")
    if event.event_type in TERMINAL:
        run.ended_at = event.event_time
        changed.append("ended_at")
    if facets:
        run.facets = {**run.facets, **facets}
        changed.append("facets")
    run.save(update_fields=changed)


def _column_lineage(payload: dict, records: dict, cache: dict) -> None:
    rows = []
    for item in payload.get("outputs") or []:
        facet = (item.get("facets") or {}).get("columnLineage")
        if not facet:
            continue
        output = _dataset_node(item, records, cache)
        for out_field, spec in facet["fields"].items():
            for source in spec["inputFields"]:
                input_node = _dataset_node(source, records, cache)
                transformations = source.get("transformations") or []
                label = spec.get("transformationType") or (
                    transformations[0].get("type", "") if transformations
                    and isinstance(transformations[0], dict) else "")
                rows.append(ColumnLineage(output=output, output_field=out_field[:300],
                                          input=input_node,
                                          input_field=source["field"][:300],
                                          transformation=str(label)[:300]))
    ColumnLineage.objects.bulk_create(rows, ignore_conflicts=True)
