"""Applicability rules: when a framework, or one of its requirements, applies to a model.

A rule is a small JSON condition over facts read from the inventory (`ModelFacts`):

    {"all": [{"fact": "data_sensitivity", "in": ["pii", "phi"]},
             {"any": [{"fact": "deployment_regions", "in": ["eu"]},
                      {"fact": "data_regions", "in": ["eu"]}]}]}

A node is `{"all": [...]}`, `{"any": [...]}`, `{"not": node}` or a test on one fact:
`{"fact": F, "in": [values]}` (true when the fact's value, or one of its values, is listed)
or `{"fact": F, "is": true|false}` for yes/no facts. Region facts match by prefix, so
`"eu"` matches `eu`, `eu-west-1` and `eu-central-1`. An empty rule (`{}`) always applies.
Rules are checked when saved (`validate_condition`) and read back in plain words
(`describe_condition`) on the pages compliance staff use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from inventory.choices import ModelStage, Origin, PurposeCategory, RiskTier, Sensitivity

__all__ = ["FACTS", "Fact", "condition_matches", "describe_condition", "validate_condition"]


@dataclass(frozen=True)
class Fact:
    """A fact about a model that rules may test."""

    name: str
    label: str  # plain words, as in "<label> is one of …"
    kind: str  # "value", "values" (a set) or "flag"
    choices: tuple[tuple[str, str], ...] = ()  # allowed values; empty: free text
    region: bool = False  # values match by prefix (`eu` matches `eu-west-1`)
    label_no: str = ""  # flags: the label when the flag must be false


FACTS: dict[str, Fact] = {fact.name: fact for fact in (
    Fact("domain", "business domain", "value"),
    Fact("risk_tier", "risk tier", "value", tuple(RiskTier.choices)),
    Fact("purpose_category", "purpose category", "value", tuple(PurposeCategory.choices)),
    Fact("origin", "origin", "value", tuple(Origin.choices)),
    Fact("stage", "lifecycle stage", "value", tuple(ModelStage.choices)),
    Fact("automated_decisions", "decides about people automatically", "flag",
         label_no="does not decide about people automatically"),
    Fact("deployed", "runs in a deployment now", "flag",
         label_no="runs in no deployment now"),
    Fact("data_sensitivity", "sensitivity of the data its versions used", "values",
         tuple(Sensitivity.choices)),
    Fact("data_regions", "residency region of the data its versions used", "values",
         region=True),
    Fact("deployment_regions", "region of its running deployments", "values", region=True),
)}

_BRANCHES = ("all", "any")


def validate_condition(condition: Any) -> None:
    """Refuse a rule that is not in the condition language, saying where and why.

    Raises:
        ValidationError: the first problem found, in plain words.
    """
    if condition in (None, {}):
        return
    _check_node(condition, "rule")


def _check_node(node: Any, where: str) -> None:
    if not isinstance(node, dict) or len(node) == 0:
        raise ValidationError(f"{where}: expected an object such as "
                              '{"fact": "risk_tier", "in": ["high"]}.')
    if "fact" in node:
        _check_test(node, where)
        return
    if len(node) != 1:
        raise ValidationError(f"{where}: use exactly one of all, any, not or fact.")
    key, value = next(iter(node.items()))
    if key in _BRANCHES:
        if not isinstance(value, list) or not value:
            raise ValidationError(f"{where}: “{key}” needs a non-empty list of conditions.")
        for index, child in enumerate(value):
            _check_node(child, f"{where} → {key}[{index + 1}]")
    elif key == "not":
        _check_node(value, f"{where} → not")
    else:
        raise ValidationError(f"{where}: unknown key “{key}” (use all, any, not or fact).")


def _check_test(node: dict, where: str) -> None:
    fact = FACTS.get(node.get("fact"))
    if fact is None:
        raise ValidationError(f"{where}: unknown fact “{node.get('fact')}”; known facts: "
                              f"{', '.join(FACTS)}.")
    if fact.kind == "flag":
        if set(node) != {"fact", "is"} or not isinstance(node["is"], bool):
            raise ValidationError(f"{where}: “{fact.name}” is yes/no: write "
                                  f'{{"fact": "{fact.name}", "is": true}}.')
        return
    values = node.get("in")
    if set(node) != {"fact", "in"} or not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v for v in values):
        raise ValidationError(f"{where}: “{fact.name}” needs a non-empty list of values: "
                              f'{{"fact": "{fact.name}", "in": ["…"]}}.')
    allowed = {value for value, _ in fact.choices}
    unknown = [v for v in values if allowed and v not in allowed]
    if unknown:
        raise ValidationError(f"{where}: {', '.join(unknown)} is not a value of “{fact.name}” "
                              f"(allowed: {', '.join(sorted(allowed))}).")


def condition_matches(condition: dict | None, facts: dict[str, Any]) -> bool:
    """Whether a (validated) condition holds for a model's facts."""
    if not condition:
        return True
    if "all" in condition:
        return all(condition_matches(child, facts) for child in condition["all"])
    if "any" in condition:
        return any(condition_matches(child, facts) for child in condition["any"])
    if "not" in condition:
        return not condition_matches(condition["not"], facts)
    fact = FACTS[condition["fact"]]
    value = facts.get(fact.name)
    if fact.kind == "flag":
        return bool(value) is condition["is"]
    present = value if isinstance(value, (set, frozenset, list, tuple)) else {value}
    return any(_value_matches(fact, have, want) for have in present
               for want in condition["in"])


def _value_matches(fact: Fact, have: Any, want: str) -> bool:
    if have is None or have == "":
        return False
    have, want = str(have).lower(), want.lower()
    if fact.region:
        return have == want or have.startswith(f"{want}-")
    return have == want


def describe_condition(condition: dict | None) -> str:
    """The rule in plain words, for pages and exports."""
    if not condition:
        return "always"
    if "all" in condition:
        return _join(condition["all"], " and ")
    if "any" in condition:
        return _join(condition["any"], " or ")
    if "not" in condition:
        return f"not ({describe_condition(condition['not'])})"
    fact = FACTS.get(condition.get("fact"))
    if fact is None:
        return str(condition)
    if fact.kind == "flag":
        return fact.label if condition.get("is") else fact.label_no
    labels = dict(fact.choices)
    values = ", ".join(str(labels.get(v, v)) for v in condition.get("in", []))
    return f"{fact.label} is {values}" if len(condition.get("in", [])) == 1 else \
        f"{fact.label} is one of {values}"


def _join(children: Iterable[dict], word: str) -> str:
    parts = [describe_condition(child) for child in children]
    return word.join(f"({part})" if (" and " in part or " or " in part) else part
                     for part in parts)
