"""Shared by the MLflow client tests: what the default registration rules ask of a model
and a version, as MLflow tags, and those rules put back in a flushed database."""

from __future__ import annotations

import importlib
import json

INPUT_SCHEMA = {"type": "object", "properties": {"income": {"type": "number"}}}
OUTPUT_SCHEMA = {"type": "object", "properties": {"score": {"type": "number"}}}


def model_tags(owner: str, team: str, steward: str, **extra: str) -> dict[str, str]:
    """What the default metadata standard asks of a model (tier high), as tags."""
    return {
        "custodia.purpose": "Scores credit applications", "custodia.owner": owner,
        "custodia.team": team, "custodia.steward": steward,
        "custodia.training_date": "2026-01-15",
        "custodia.input_schema": json.dumps(INPUT_SCHEMA),
        "custodia.output_schema": json.dumps(OUTPUT_SCHEMA),
        "custodia.evaluation_metrics": '{"auc": 0.81}',
        "custodia.training_environment": "python 3.11, xgboost 2.0",
        "custodia.inference_requirements": "1 vCPU",
        "custodia.versioning_strategy": "monolithic",
        **extra,
    }


def version_tags(**extra: str) -> dict[str, str]:
    """What the default metadata standard and the monolithic strategy ask of a version."""
    return {
        "custodia.artifact_sha256": "a" * 64, "custodia.training_date": "2026-01-15",
        "custodia.input_schema": json.dumps(INPUT_SCHEMA),
        "custodia.output_schema": json.dumps(OUTPUT_SCHEMA),
        "custodia.evaluation_metrics": '{"auc": 0.83}',
        "custodia.training_environment": "python 3.11", "custodia.inference_requirements": "1 vCPU",
        "custodia.code_commit": "0123456789abcdef0123456789abcdef01234567",
        **extra,
    }


def install_registration_rules() -> None:
    """The default metadata standards and naming conventions, as the catalogue's data
    migration writes them (a transactional test database is emptied between tests)."""
    from django.apps import apps

    importlib.import_module("inventory.migrations.0006_catalogue_defaults").create_defaults(
        apps, None)
