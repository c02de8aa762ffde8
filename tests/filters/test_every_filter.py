"""Generated filter tests: every filter of every filterset that an `/api/v1/` viewset uses.

Filtersets are found at collection through the URL resolver: each list route's viewset,
its django-filter backend and `get_filterset_class` (so `filterset_class` and
`filterset_fields` alike). For each filter, a request with a valid value answers 200; where
the filter's type can refuse a value (number, date, choice, object, boolean), a value of
the wrong type answers 400 naming the filter. The meta-test names any filter whose type
has no value strategy here, so a new kind of filter cannot go untested.
"""

from __future__ import annotations

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import resolve, reverse
from django_filters import fields as filter_fields
from django_filters.rest_framework import DjangoFilterBackend

from tests.api.test_contract import error_of
from tests.api.test_meta import api_routes
from tests.factories import UserFactory
from tests.factories.registry import factory_for

# Filters whose field parses its own language: (valid value, refused value).
EXPRESSIONS = {"MetricExpressionField": ("auc>=0.5", "auc>=high")}

# Field type → (kind, valid value, refused value); `None` for a type that refuses nothing.
# Checked in order (subclasses first).
STRATEGIES: list[tuple[type, str, str | None, str | None]] = [
    (forms.ModelMultipleChoiceField, "object", None, "not-a-number"),
    (forms.ModelChoiceField, "object", None, "not-a-number"),
    (filter_fields.IsoDateTimeField, "datetime", "2026-01-01T00:00:00Z", "not-a-date"),
    (forms.DateTimeField, "datetime", "2026-01-01T00:00:00", "not-a-date"),
    (forms.DateField, "date", "2026-01-01", "not-a-date"),
    (forms.NullBooleanField, "boolean", "true", "maybe"),
    (forms.BooleanField, "boolean", "true", "maybe"),
    (forms.DecimalField, "number", "1", "abc"),
    (forms.FloatField, "number", "1", "abc"),
    (forms.IntegerField, "number", "1", "abc"),
    (forms.ChoiceField, "choice", None, "not-a-choice"),  # incl. multiple and ordering
    (forms.CharField, "text", "credit", None),
]


def _strategy(field_class: type):
    if field_class.__name__ in EXPRESSIONS:
        valid, wrong = EXPRESSIONS[field_class.__name__]
        return ("expression", valid, wrong)
    for base, kind, valid, wrong in STRATEGIES:
        if issubclass(field_class, base):
            return (kind, valid, wrong)
    return None


def _filterset_of(route: str):
    match = resolve(reverse(f"{route}-list"))
    view_class = getattr(match.func, "cls", None)
    if view_class is None:
        return None
    view = view_class(**getattr(match.func, "initkwargs", {}))
    view.action = "list"
    for backend in view.filter_backends:
        if issubclass(backend, DjangoFilterBackend):
            return backend().get_filterset_class(view, view_class.queryset)
    return None


def _discover() -> tuple[dict[str, tuple[type, dict]], list[str]]:
    """{route: (filterset, {filter: strategy})} and the filters without a strategy."""
    found, uncovered = {}, []
    for route in sorted(api_routes()):
        filterset = _filterset_of(route)
        if filterset is None:
            continue
        strategies = {}
        for name, filter_ in filterset.base_filters.items():
            strategy = _strategy(filter_.field_class)
            if strategy is None:
                uncovered.append(f"{route} ?{name} ({type(filter_).__name__})")
            else:
                strategies[name] = strategy
        found[route] = (filterset, strategies)
    return found, uncovered


FILTERSETS, UNCOVERED = _discover()


def test_every_filter_has_a_value_strategy():
    assert FILTERSETS, "no filterset found through the API routes"
    assert not UNCOVERED, (
        "filters no generated test exercises (teach STRATEGIES or EXPRESSIONS in "
        f"{__name__} their type): {UNCOVERED}")


@pytest.fixture
def superuser(db):
    return UserFactory(username="filter-superuser", is_staff=True, is_superuser=True)


def _valid_value(filterset_class, name: str, kind: str, valid, user):
    if valid is not None:
        return valid
    request = RequestFactory().get("/")
    request.user = user
    field = filterset_class(request=request).form.fields[name]
    if kind == "object":
        model = field.queryset.model
        if not field.queryset.exists():
            make = factory_for(model)
            assert make, f"?{name}: no factory for {model._meta.label} to filter by"
            make()
        obj = field.queryset.first()
        return str(getattr(obj, field.to_field_name or "pk"))
    choices = [value for value, _ in field.choices if value not in ("", None)]
    assert choices, f"?{name}: a choice filter without choices"
    return str(choices[0])


# Parameters pagination and rendering read first: a filter with one of these names could
# never be used.
SHADOWED = {"page", "page_size", "format"}


def test_no_filter_is_named_like_a_pagination_or_format_parameter():
    shadowed = sorted(f"{route}?{name}" for route, (_, strategies) in FILTERSETS.items()
                      for name in strategies if name in SHADOWED)
    assert not shadowed, shadowed


def _cases():
    for route, (_, strategies) in sorted(FILTERSETS.items()):
        for name, (kind, _valid, wrong) in strategies.items():
            yield pytest.param(route, name, id=f"{route}?{name}")
            if wrong is not None:
                yield pytest.param(route, name, id=f"{route}?{name}=<wrong {kind}>",
                                   marks=[pytest.mark.wrong_type])


VALID_CASES = [case for case in _cases() if not any(m.name == "wrong_type" for m in case.marks)]
WRONG_CASES = [case for case in _cases() if any(m.name == "wrong_type" for m in case.marks)]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), VALID_CASES)
def test_filter_takes_a_valid_value(api_client_for, superuser, route, name):
    filterset_class, strategies = FILTERSETS[route]
    kind, valid, _ = strategies[name]
    value = _valid_value(filterset_class, name, kind, valid, superuser)
    response = api_client_for(superuser).get(reverse(f"{route}-list"), {name: value})
    assert response.status_code == 200, (name, value, response.content[:300])


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), WRONG_CASES)
def test_filter_refuses_a_value_of_the_wrong_type(api_client_for, superuser, route, name):
    kind, _, wrong = FILTERSETS[route][1][name]
    response = api_client_for(superuser).get(reverse(f"{route}-list"), {name: wrong})
    assert response.status_code == 400, (name, wrong, kind, response.status_code)
    assert name in error_of(response)["fields"], error_of(response)


def test_every_discovered_filter_is_exercised():
    """Each filter has a valid-value case, and a wrong-type case when its type can refuse."""
    exercised = {(case.values[0], case.values[1]) for case in VALID_CASES}
    refused = {(case.values[0], case.values[1]) for case in WRONG_CASES}
    missing = [f"{route} ?{name}" for route, (filterset, strategies) in FILTERSETS.items()
               for name in filterset.base_filters
               if (route, name) not in exercised
               or (strategies.get(name, (None, None, None))[2] is not None
                   and (route, name) not in refused)]
    assert not missing, f"filters no test exercised: {missing}"
