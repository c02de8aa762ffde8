"""Field rules of the inventory: JSON Schema documents, SPDX licence expressions, evaluation
metrics. Each rule is a `*_problem(value)` function (a message, or None) that the
registration check reports field by field, and a Django validator built on it that the
model fields carry, so every write validates the same way."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import exceptions as jsonschema_exceptions
from jsonschema import validators as jsonschema_validators
from license_expression import get_spdx_licensing

__all__ = [
    "licence_problem",
    "metrics_problem",
    "normalise_licence",
    "schema_problem",
    "validate_json_schema",
    "validate_metrics",
    "validate_spdx_licence",
]

_LICENSING = get_spdx_licensing()
# SPDX lets an organisation name its own licences (e.g. a vendor's terms) as LicenseRef-<id>.
_LICENSE_REF = re.compile(r"^(DocumentRef-[A-Za-z0-9.\-]+:)?LicenseRef-[A-Za-z0-9.\-]+$")


def schema_problem(value: Any) -> str | None:
    """Why `value` is not a valid JSON Schema document, or None when it is (or is empty)."""
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict | bool):
        return "Not a JSON Schema document: a schema is a JSON object, e.g. {\"type\": \"object\"}."
    try:
        jsonschema_validators.validator_for(value).check_schema(value)
    except jsonschema_exceptions.SchemaError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "the top level"
        return f"Not a valid JSON Schema: {error.message} (at {where})."
    except Exception as error:  # a malformed $schema or $ref must not become a 500
        return f"Not a valid JSON Schema: {error}."
    return None


def _licence_info(value: str):
    """license-expression's verdict, or None when the expression does not even parse (the
    library raises for some malformed input, e.g. `MIT AND`, instead of reporting it)."""
    try:
        return _LICENSING.validate(value)
    except Exception:  # a malformed expression must be a field error, never a 500
        return None


def licence_problem(value: str) -> str | None:
    """Why `value` is not an SPDX licence identifier or expression, or None when it is."""
    value = (value or "").strip()
    if not value:
        return None
    info = _licence_info(value)
    if info is not None:
        unknown = [str(s) for s in info.invalid_symbols
                   if str(s).strip(" ()") and not _LICENSE_REF.match(str(s))]
        other = [str(e) for e in info.errors if not str(e).startswith("Unknown license key")]
        if not unknown and not other and (info.normalized_expression or info.invalid_symbols):
            return None
        if unknown:
            detail = f"unknown identifier(s): {', '.join(unknown)}"
        else:
            detail = "; ".join(other) or "not an expression"
    else:
        detail = "not a well-formed expression"
    return (f"“{value}” is not a valid SPDX licence identifier or expression ({detail}). "
            "Use identifiers from spdx.org/licenses, e.g. Apache-2.0, MIT or "
            "“Apache-2.0 OR MIT”; name proprietary terms as LicenseRef-<name>.")


def normalise_licence(value: str) -> str:
    """The canonical spelling of a valid SPDX expression (`apache-2.0` → `Apache-2.0`)."""
    value = (value or "").strip()
    if not value or licence_problem(value):
        return value
    info = _licence_info(value)
    return (info.normalized_expression if info is not None else None) or value


def metrics_problem(value: Any) -> str | None:
    """Why `value` is not a mapping of metric name to number, or None when it is."""
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict):
        return 'Evaluation metrics are a JSON object of metric name to number, e.g. {"auc": 0.82}.'
    bad = [str(k) for k, v in value.items()
           if isinstance(v, bool) or not isinstance(v, int | float | Decimal)]
    if bad:
        return ("Each evaluation metric must be a number; not a number: "
                + ", ".join(sorted(bad)) + ".")
    return None


# Key/value labels follow the limits of the experiment trackers that send them (MLflow's
# tags: keys up to 250 characters, values up to 5000). The `custodia.` prefix is reserved:
# through the MLflow door it names Custodia's own fields, never a stored label.
LABEL_KEY_MAX = 250
LABEL_VALUE_MAX = 5000
RESERVED_LABEL_PREFIX = "custodia."


def labels_problem(value: Any) -> str | None:
    """Why `value` is not a mapping of label key to text value, or None when it is."""
    if value in (None, {}):
        return None
    if not isinstance(value, dict):
        return 'Labels are a JSON object of key to text, e.g. {"framework": "sklearn"}.'
    for key, item in value.items():
        if not key or len(key) > LABEL_KEY_MAX:
            return f"A label key has 1 to {LABEL_KEY_MAX} characters."
        if key.lower().startswith(RESERVED_LABEL_PREFIX):
            return (f"“{key}”: keys starting with “{RESERVED_LABEL_PREFIX}” name Custodia's own "
                    "fields and are not stored as labels.")
        if not isinstance(item, str) or len(item) > LABEL_VALUE_MAX:
            return f"The value of label “{key}” is text of at most {LABEL_VALUE_MAX} characters."
    return None


def validate_labels(value: Any) -> None:
    """Django validator of a key/value labels field."""
    _raise_if(labels_problem(value))


def validate_json_schema(value: Any) -> None:
    """Django validator of a JSON Schema document field."""
    _raise_if(schema_problem(value))


def validate_spdx_licence(value: str) -> None:
    """Django validator of an SPDX licence expression field."""
    _raise_if(licence_problem(value))


def validate_metrics(value: Any) -> None:
    """Django validator of an evaluation-metrics field."""
    _raise_if(metrics_problem(value))


def _raise_if(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem, code="invalid")
