"""Factories of per-user records: saved searches."""

from __future__ import annotations

import factory

from inventory.models import SavedSearch

from .users import UserFactory

__all__ = ["SavedSearchFactory"]


class SavedSearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedSearch

    user = factory.SubFactory(UserFactory)
    page = "inventory:mlmodel_list"
    name = factory.Sequence(lambda n: f"Production models {n}")
    query = "stage=production"
