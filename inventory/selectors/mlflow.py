"""Reads of the MLflow registry door: MLflow's search grammar (filter strings, `order_by`,
page tokens) turned into restricted inventory querysets.

Filter strings are clauses joined by `AND` (MLflow has no `OR`):

- registered models: `name` with `=`, `!=`, `LIKE`, `ILIKE`; `tags.<key>` (or `tag.`) with
  `=`, `!=`, `LIKE`, `ILIKE`;
- model versions: the same `name` (the model's) and `tags.<key>`, plus `version_number`
  (`=`, `!=`, `<`, `<=`, `>`, `>=`), `run_id` (`=`, `!=`, `IN (...)`) and `source_path`
  (`=`, `!=`, `LIKE`, `ILIKE`).

A key with dots or spaces is quoted with backticks: ``tags.`mlflow.prompt.is_prompt` ``.
`tags.<key> != 'v'` keeps records without the tag (the client itself filters prompts out
that way). `tags.custodia.<field>` reads Custodia's own fields (stage, team, owner, steward,
domain, risk tier, tags...), as the door shows them. `LIKE` is case-sensitive, `ILIKE` not;
`%` matches any run of characters and `_` one character.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from inventory.models import MLModel, ModelVersion
from inventory.validators import RESERVED_LABEL_PREFIX

__all__ = [
    "Clause",
    "decode_page_token",
    "encode_page_token",
    "filter_model_versions",
    "filter_registered_models",
    "order_model_versions",
    "order_registered_models",
    "parse_filter",
    "visible_models",
    "visible_versions",
]


@dataclass(frozen=True)
class Clause:
    """One comparison of a filter string: `key op value` (a list for `IN`)."""

    key: str
    op: str
    value: str | list[str]


_KEY = r"(?P<key>(?:tags?|attributes?)\.(?:`[^`]+`|\"[^\"]+\"|[\w.\-]+)|[A-Za-z_]+)"
_OP = r"(?P<op>!=|<=|>=|=|<|>|(?:NOT\s+)?I?LIKE\b|(?:NOT\s+)?IN\b)"
_VALUE = r"(?P<value>'(?:[^']|'')*'|\"[^\"]*\"|\([^)]*\)|-?\d+(?:\.\d+)?)"
_CLAUSE = re.compile(rf"\s*{_KEY}\s*{_OP}\s*{_VALUE}\s*(?P<end>AND\b|$)", re.IGNORECASE)
_LIST_ITEM = re.compile(r"\s*('(?:[^']|'')*'|\"[^\"]*\")\s*(,|$)")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner
    return text


def _list_values(text: str) -> list[str]:
    inner, values, position = text[1:-1].strip(), [], 0
    while position < len(inner):
        match = _LIST_ITEM.match(inner, position)
        if match is None:
            raise ValidationError(f"Cannot read the list {text}: give quoted strings separated "
                                  "by commas, e.g. ('a', 'b').")
        values.append(_unquote(match.group(1)))
        position = match.end()
    if not values:
        raise ValidationError(f"The list {text} is empty.")
    return values


def parse_filter(text: str | None) -> list[Clause]:
    """The clauses of an MLflow filter string (empty or blank: none).

    Raises:
        ValidationError: the string is not `key op value [AND key op value ...]`.
    """
    text = (text or "").strip()
    clauses: list[Clause] = []
    position = 0
    while position < len(text):
        match = _CLAUSE.match(text, position)
        if match is None:
            raise ValidationError(
                f"Cannot read the filter at “{text[position:position + 40]}”: write clauses "
                "like name = 'x' or tags.key = 'v', joined by AND.")
        key, op, raw = match.group("key"), " ".join(match.group("op").upper().split()), \
            match.group("value")
        prefix, _, rest = key.partition(".")
        if rest:
            key = f"{'tags' if prefix.lower().startswith('tag') else 'attributes'}.{_unquote(rest)}"
            if key.startswith("attributes."):
                key = key.split(".", 1)[1]
        value: str | list[str] = _list_values(raw) if raw.startswith("(") else _unquote(raw)
        if op.endswith("IN") != isinstance(value, list):
            raise ValidationError(f"{op} takes {'a list' if op.endswith('IN') else 'one value'}"
                                  f" in “{match.group(0).strip()}”.")
        clauses.append(Clause(key=key, op=op, value=value))
        position = match.end()
        if not match.group("end") and position < len(text):
            raise ValidationError("Join filter clauses with AND.")
    return clauses


def _like_regex(pattern: str) -> str:
    """SQL LIKE → an anchored regular expression (`%` any run, `_` one character)."""
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return "^" + "".join(parts) + "$"


def _compare(lookup: str, op: str, value, *, label: str) -> Q:
    """`lookup op value` as a Q; `!=` and NOT forms exclude."""
    q, negated = _positive(lookup, op, value, label=label)
    return ~q if negated else q


def _positive(lookup: str, op: str, value, *, label: str) -> tuple[Q, bool]:
    """The comparison without its negation, and whether `op` negates it."""
    if op in ("=", "!="):
        q = Q(**{lookup: value})
    elif op in ("LIKE", "NOT LIKE"):
        q = Q(**{f"{lookup}__regex": _like_regex(value)})
    elif op in ("ILIKE", "NOT ILIKE"):
        q = Q(**{f"{lookup}__iregex": _like_regex(value)})
    elif op in ("IN", "NOT IN"):
        q = Q(**{f"{lookup}__in": value})
    else:
        raise ValidationError(f"{label} cannot be compared with {op}; use =, !=, LIKE or ILIKE.")
    return q, op.startswith("NOT") or op == "!="


# Custodia's own fields as `tags.custodia.<name>`: the lookup on a model.
_MODEL_FIELD_LOOKUPS = {
    "stage": "stage", "risk_tier": "risk_tier", "domain": "domain", "team": "team__slug",
    "owner": "owner__username", "steward": "steward__username", "tags": "tags__name",
    "origin": "origin", "licence": "licence", "purpose_category": "purpose_category",
    "versioning_strategy": "versioning_strategy", "compliance_tags": "compliance_tags__name",
}
_VERSION_FIELD_LOOKUPS = {
    "stage": "stage", "branch": "branch__name", "code_commit": "code_commit",
    "artifact_sha256": "artifact_sha256", "environment_digest": "environment_digest",
}


# Many-to-many fields are compared in a subquery: no duplicate rows, and `!=` excludes
# every record holding the value.
_MANY = ("tags__", "compliance_tags__")


def _tag_q(key: str, op: str, value, *, model_class, field_lookups: dict[str, str],
           annotations: dict) -> Q:
    if key.lower().startswith(RESERVED_LABEL_PREFIX):
        name = key[len(RESERVED_LABEL_PREFIX):]
        if name not in field_lookups:
            raise ValidationError(
                f"Searching by “{key}” is not supported; Custodia fields to search by: "
                + ", ".join(f"{RESERVED_LABEL_PREFIX}{n}" for n in sorted(field_lookups)) + ".")
        lookup = field_lookups[name]
        if not lookup.startswith(_MANY):
            return _compare(lookup, op, value, label=key)
        q, negated = _positive(lookup, op, value, label=key)
        q = Q(pk__in=model_class._base_manager.filter(q).values("pk"))
        return ~q if negated else q
    if op == "=":
        return Q(labels__contains={key: value})  # served by the GIN index
    if op == "!=":
        return ~Q(labels__contains={key: value})
    alias = f"label_{len(annotations)}"
    annotations[alias] = KeyTextTransform(key, "labels")
    return _compare(alias, op, value, label=f"tags.{key}")


def filter_registered_models(queryset: QuerySet, text: str | None) -> QuerySet:
    """`queryset` of models narrowed by an MLflow filter string.

    Raises:
        ValidationError: an unreadable filter or an unsupported key or comparison.
    """
    conditions, annotations = [], {}
    for clause in parse_filter(text):
        if clause.key.startswith("tags."):
            conditions.append(_tag_q(clause.key[5:], clause.op, clause.value,
                                     model_class=MLModel, field_lookups=_MODEL_FIELD_LOOKUPS,
                                     annotations=annotations))
        elif clause.key == "name":
            conditions.append(_compare("name", clause.op, clause.value, label="name"))
        else:
            raise ValidationError(f"Registered models are searched by name and tags.<key>, "
                                  f"not by “{clause.key}”.")
    return _apply(queryset, conditions, annotations)


def filter_model_versions(queryset: QuerySet, text: str | None) -> QuerySet:
    """`queryset` of versions narrowed by an MLflow filter string.

    Raises:
        ValidationError: an unreadable filter or an unsupported key or comparison.
    """
    conditions, annotations = [], {}
    for clause in parse_filter(text):
        key, op, value = clause.key, clause.op, clause.value
        if key.startswith("tags."):
            conditions.append(_tag_q(key[5:], op, value, model_class=ModelVersion,
                                     field_lookups=_VERSION_FIELD_LOOKUPS,
                                     annotations=annotations))
        elif key == "name":
            conditions.append(_compare("model__name", op, value, label="name"))
        elif key == "run_id":
            conditions.append(_compare("run_id", op, value, label="run_id"))
        elif key == "source_path":
            conditions.append(_compare("artifact_uri", op, value, label="source_path"))
        elif key == "version_number":
            conditions.append(_number_q(op, value))
        else:
            raise ValidationError(f"Model versions are searched by name, version_number, "
                                  f"run_id, source_path and tags.<key>, not by “{key}”.")
    return _apply(queryset, conditions, annotations)


def _number_q(op: str, value) -> Q:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"version_number is compared with a whole number, not "
                              f"“{value}”.") from None
    lookups = {"=": "exact", "!=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
    if op not in lookups:
        raise ValidationError(f"version_number cannot be compared with {op}.")
    q = Q(**{f"version__{lookups[op]}": number})
    return ~q if op == "!=" else q


def _apply(queryset: QuerySet, conditions: list[Q], annotations: dict) -> QuerySet:
    if annotations:
        queryset = queryset.alias(**annotations)
    for condition in conditions:
        queryset = queryset.filter(condition)
    return queryset


# --------------------------------------------------------------------------------------
# Ordering
# --------------------------------------------------------------------------------------
_MODEL_ORDER = {"name": "name", "creation_timestamp": "created_at",
                "last_updated_timestamp": "updated_at", "timestamp": "updated_at"}
_VERSION_ORDER = {"name": "model__name", "version_number": "version",
                  "creation_timestamp": "created_at", "last_updated_timestamp": "updated_at",
                  "timestamp": "updated_at"}
_ORDER_ITEM = re.compile(r"^\s*(?:attributes?\.)?`?(?P<key>\w+)`?\s*(?P<dir>ASC|DESC)?\s*$",
                         re.IGNORECASE)


def _order(queryset: QuerySet, order_by: list[str], columns: dict[str, str],
           default: list[str]) -> QuerySet:
    fields: list[str] = []
    for item in order_by or ():
        match = _ORDER_ITEM.match(item or "")
        if match is None or match.group("key") not in columns:
            raise ValidationError(f"Cannot order by “{item}”; order by "
                                  + ", ".join(sorted(columns)) + " with ASC or DESC.")
        column = columns[match.group("key")]
        fields.append(f"-{column}" if (match.group("dir") or "").upper() == "DESC" else column)
    fields = fields or list(default)
    return queryset.order_by(*fields, "pk")  # the primary key keeps pages stable


def order_registered_models(queryset: QuerySet, order_by: list[str]) -> QuerySet:
    """Models ordered by MLflow `order_by` items (`name ASC`, `last_updated_timestamp DESC`)."""
    return _order(queryset, order_by, _MODEL_ORDER, ["name"])


def order_model_versions(queryset: QuerySet, order_by: list[str]) -> QuerySet:
    """Versions ordered by MLflow `order_by` items; default: model name, newest version first."""
    return _order(queryset, order_by, _VERSION_ORDER, ["model__name", "-version"])


# --------------------------------------------------------------------------------------
# Page tokens
# --------------------------------------------------------------------------------------
def encode_page_token(offset: int) -> str:
    """An opaque token for the page starting at `offset`."""
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset a page token stands for (none: 0).

    Raises:
        ValidationError: the token was not made by `encode_page_token`.
    """
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        offset = None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ValidationError("Invalid page token: pass back the next_page_token of the "
                              "previous page unchanged.")
    return offset


# Models and versions of the door are read in these shapes (constant queries per page).
def visible_models(user) -> QuerySet:
    """Models `user` may see, with what the door shows of them joined or prefetched."""
    versions = ModelVersion.objects.restrict(user, "view").for_list().order_by("-version")
    return MLModel.objects.restrict(user, "view").for_list().prefetch_related(
        Prefetch("versions", queryset=versions, to_attr="door_versions"), "aliases__version")


def visible_versions(user) -> QuerySet:
    """Versions `user` may see, with their model, aliases and dataset links."""
    return ModelVersion.objects.restrict(user, "view").for_list()
