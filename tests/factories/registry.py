"""Model → factory, found by scanning the modules of `tests.factories`.

Generated tests (the admin meta-tests, for one) build rows of any model through
`factory_for(model)`; a model without a factory is named by the meta-test that needs one.
When several factories build one model, the one named `<Model>Factory` wins.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

import factory
from django.db.models import Model

import tests.factories

__all__ = ["factories_by_model", "factory_for"]


@cache
def factories_by_model() -> dict[type[Model], type[factory.django.DjangoModelFactory]]:
    found: dict[type[Model], type[factory.django.DjangoModelFactory]] = {}
    for info in pkgutil.iter_modules(tests.factories.__path__):
        module = importlib.import_module(f"tests.factories.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if not issubclass(obj, factory.django.DjangoModelFactory) or obj._meta.abstract:
                continue
            model = obj._meta.get_model_class()
            if model is None:
                continue
            if model not in found or name == f"{model.__name__}Factory":
                found[model] = obj
    return found


def factory_for(model: type[Model]) -> type[factory.django.DjangoModelFactory] | None:
    return factories_by_model().get(model)
