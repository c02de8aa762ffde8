"""Generated admin tests: every model registered in `admin.site` is exercised.

For each registration, with one row built by the model's factory: a superuser gets 200 on
the changelist, on the add page (when the admin allows adding) and on the row's change
page; a signed-in staff user with no role gets 403 on the changelist. Registrations are
read from `admin.site._registry` at collection, so a new admin is covered by existing tests
once its model has a factory (the meta-test below names any that lacks one).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.registry import factory_for

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_registration_has_a_factory():
    missing = [model._meta.label for model, _ in REGISTRY if factory_for(model) is None]
    assert not missing, (
        "admin registrations without a factory (add one under tests/factories/, named "
        f"<Model>Factory): {missing}")


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin-superuser", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_without_role(db):
    return UserFactory(username="staff-without-role", is_staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), REGISTRY,
                         ids=[model._meta.label for model, _ in REGISTRY])
def test_admin_pages_render_for_a_superuser(client, superuser, model, model_admin):
    make = factory_for(model)
    if make is None:
        pytest.fail(f"{model._meta.label} has no factory (see the meta-test above)")
    obj = make()
    client.force_login(superuser)

    response = client.get(_url(model, "changelist"))
    assert response.status_code == 200, (model._meta.label, "changelist", response.status_code)

    request = RequestFactory().get("/")
    request.user = superuser
    if model_admin.has_add_permission(request):
        response = client.get(_url(model, "add"))
        assert response.status_code == 200, (model._meta.label, "add", response.status_code)

    response = client.get(_url(model, "change", quote(obj.pk)))
    assert response.status_code == 200, (model._meta.label, "change", response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [model for model, _ in REGISTRY],
                         ids=[model._meta.label for model, _ in REGISTRY])
def test_admin_changelist_refuses_staff_without_role(client, staff_without_role, model):
    client.force_login(staff_without_role)
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 403, (model._meta.label, response.status_code)
