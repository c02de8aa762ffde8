"""Factories of the registry around versions: branches and aliases."""

from __future__ import annotations

import factory

from inventory.choices import BranchKind
from inventory.models import ModelAlias, ModelBranch

from .catalogue import ModelVersionFactory

__all__ = ["ModelAliasFactory", "ModelBranchFactory"]


class ModelBranchFactory(factory.django.DjangoModelFactory):
    """An experiment branch forked from a fresh version of a fresh model."""

    class Meta:
        model = ModelBranch

    parent_version = factory.SubFactory(ModelVersionFactory)
    model = factory.LazyAttribute(lambda o: o.parent_version.model)
    name = factory.Sequence(lambda n: f"exp/try-{n}")
    kind = BranchKind.EXPERIMENT
    description = "Deeper trees."


class ModelAliasFactory(factory.django.DjangoModelFactory):
    """An alias on a fresh version (the move log is the service's; use it when it matters)."""

    class Meta:
        model = ModelAlias

    version = factory.SubFactory(ModelVersionFactory)
    model = factory.LazyAttribute(lambda o: o.version.model)
    name = factory.Sequence(lambda n: f"challenger-{n}")
    reason = "Set by a test factory."
