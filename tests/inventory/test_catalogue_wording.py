"""Pages, help texts and docstrings describe what the product does now: no claims about
features that do not exist, and a commit signature is "reported as signed by the client"
(Custodia does not verify it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from inventory.models import ModelVersion
from inventory.selectors.versions import model_version_components
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["core", "inventory", "lineage", "templates"]
# Claims of features nothing implements (checked case-insensitively).
ABSENT = [r"signature checks?", r"or approved what", r"reporting work",
          r"dashboards, reports", r"verified signature"]


def _texts():
    for folder in SCANNED:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")
    yield ROOT / "README.md", (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("claim", ABSENT)
def test_no_claim_of_an_absent_feature(claim):
    found = [str(path.relative_to(ROOT)) for path, text in _texts()
             if re.search(claim, text, re.IGNORECASE)
             and path.name != Path(__file__).name]
    assert not found, f"{claim!r} claimed in {found}"


def test_signature_is_labelled_as_reported_by_the_client():
    field = ModelVersion._meta.get_field("code_commit_signed")
    assert "reported as signed by the client" in str(field.verbose_name)
    assert "does not verify" in str(field.help_text)


@pytest.mark.django_db
def test_pages_admin_and_api_say_reported_as_signed(client, api_client_for, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    model = MLModelFactory()
    version = ModelVersionFactory(model=model, code_commit_signed=True,
                                  code_repository="https://git.example.org/credit")
    assert any("reported as signed by the client" in part.note
               for part in model_version_components(version))
    client.force_login(platform_admin)
    page = client.get(reverse("inventory:mlmodel_detail", args=[model.pk])).content.decode()
    assert "reported as signed by the client" in page
    assert "signed commit" not in page
    admin_page = client.get(reverse("admin:inventory_modelversion_change",
                                    args=[version.pk])).content.decode()
    assert "reported as signed by the client" in admin_page.lower()
    listing = client.get(reverse("admin:inventory_modelversion_changelist")).content.decode()
    assert "reported as signed by the client" in listing.lower()
    schema = api_client_for(platform_admin).get(reverse("schema"))
    assert schema.status_code == 200
    assert "Custodia does not verify the signature" in schema.content.decode()
