"""ML-BOM (CycloneDX 1.6): a model version and the whole inventory exported with
cyclonedx-python-lib, validated by its JSON validator against the 1.6 schema; the model card,
data components, licences, hashes, external references and dependencies (including the
external APIs recorded in lineage) are in it; from the API, the version page and a command."""

from __future__ import annotations

import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.choices import AccessAction
from core.models import AccessEvent
from inventory.choices import ModelStage, Sensitivity
from inventory.models import ModelVersionDataset
from lineage.services.graph import external_dependency_link
from tests.factories.catalogue import (
    DatasetFactory,
    DatasetVersionFactory,
    MLModelFactory,
    ModelVersionFactory,
)

pytestmark = pytest.mark.django_db


def schema_errors(text: str) -> list:
    return list(JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True) or [])


@pytest.fixture
def version():
    model = MLModelFactory(
        name="credit-default-xgb", purpose="Scores consumer credit applications.",
        licence="Apache-2.0 OR MIT", supplier="Acme Models", source_url="https://example.org/m",
        out_of_scope_uses="Employment decisions.", factors="Age band.",
        ethical_considerations="Reviewed for disparate impact.", caveats="Not for SMEs.")
    version = ModelVersionFactory(
        model=model, artifact_sha256="a" * 64, artifact_uri="s3://models/credit/1",
        code_repository="https://git.example.org/credit.git", evaluation_metrics={"auc": 0.82},
        environment_uri="registry.example.org/credit:1", environment_digest="sha256:" + "e" * 64)
    data = DatasetVersionFactory(dataset=DatasetFactory(name="applications-2025",
                                                        sensitivity=Sensitivity.PII),
                                 sha256="b" * 64, uri="s3://data/applications/1")
    ModelVersionDataset(model_version=version, dataset_version=data, role="train",
                        checksum_at_link=data.sha256).save()
    external_dependency_link(model_version=version, name="bureau-score-api", vendor="Experian",
                             actor=None, reason="test")
    return version


def component(document: dict, bom_ref: str) -> dict:
    return next(c for c in document["components"] if c["bom-ref"] == bom_ref)


def test_a_version_exports_as_a_valid_cyclonedx_16_ml_bom(api_client_for, platform_admin, version):
    response = api_client_for(platform_admin).get(f"/api/v1/model-versions/{version.pk}/ml-bom/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.cyclonedx+json; version=1.6"
    text = response.content.decode()
    assert schema_errors(text) == []
    document = json.loads(text)
    assert (document["bomFormat"], document["specVersion"]) == ("CycloneDX", "1.6")
    model = component(document, f"model-version-{version.pk}")
    assert model["type"] == "machine-learning-model"
    assert (model["name"], model["version"]) == ("credit-default-xgb", "1")
    assert model["hashes"] == [{"alg": "SHA-256", "content": "a" * 64}]
    assert model["licenses"] == [{"expression": "Apache-2.0 OR MIT"}]
    assert {r["type"] for r in model["externalReferences"]} == {"distribution", "vcs", "website"}
    card = model["modelCard"]
    assert card["quantitativeAnalysis"]["performanceMetrics"] == [{"type": "auc", "value": "0.82"}]
    data_ref = f"dataset-version-{version.dataset_links.get().dataset_version_id}"
    assert card["modelParameters"]["datasets"] == [{"ref": data_ref}]
    assert card["considerations"]["useCases"] == ["Scores consumer credit applications."]
    assert card["considerations"]["ethicalConsiderations"] == [
        {"name": "Reviewed for disparate impact."}]
    data = component(document, data_ref)
    assert data["type"] == "data" and data["data"][0]["type"] == "dataset"
    assert data["hashes"] == [{"alg": "SHA-256", "content": "b" * 64}]
    assert document["services"][0]["name"] == "bureau-score-api"
    assert document["services"][0]["provider"]["name"] == "Experian"
    depends = next(d for d in document["dependencies"] if d["ref"] == model["bom-ref"])
    assert set(depends["dependsOn"]) == {data_ref, f"model-version-{version.pk}-environment",
                                         document["services"][0]["bom-ref"]}
    assert AccessEvent.objects.get(user=platform_admin).action == AccessAction.EXPORT


def test_a_sensitive_datasets_location_is_left_out_for_who_may_not_read_it(
        api_client_for, data_scientist, platform_admin, version):
    hidden = api_client_for(data_scientist).get(f"/api/v1/model-versions/{version.pk}/ml-bom/")
    shown = api_client_for(platform_admin).get(f"/api/v1/model-versions/{version.pk}/ml-bom/")
    assert "s3://data/applications/1" not in hidden.content.decode()
    assert "s3://data/applications/1" in shown.content.decode()
    assert schema_errors(hidden.content.decode()) == []


def test_a_version_with_almost_nothing_recorded_is_still_valid(api_client_for, auditor):
    bare = ModelVersionFactory(model=MLModelFactory(purpose="", licence=""), artifact_sha256="",
                               artifact_uri="", environment_digest="", evaluation_metrics={})
    response = api_client_for(auditor).get(f"/api/v1/model-versions/{bare.pk}/ml-bom/")
    assert response.status_code == 200 and schema_errors(response.content.decode()) == []
    card = component(json.loads(response.content), f"model-version-{bare.pk}")["modelCard"]
    assert {"name": "custodia:model-card:complete", "value": "0 of 8 sections"} in card["properties"]


def test_the_whole_inventory_exports_with_a_stage_filter(api_client_for, auditor, version):
    production = ModelVersionFactory(stage=ModelStage.PRODUCTION)
    client = api_client_for(auditor)
    everything = client.get("/api/v1/ml-bom/")
    assert schema_errors(everything.content.decode()) == []
    refs = {c["bom-ref"] for c in json.loads(everything.content)["components"]
            if c["type"] == "machine-learning-model"}
    assert refs == {f"model-version-{version.pk}", f"model-version-{production.pk}"}
    only = json.loads(client.get("/api/v1/ml-bom/?stage=production").content)
    assert {c["bom-ref"] for c in only["components"]} == {
        f"model-version-{production.pk}", f"model-version-{production.pk}-environment"}


@pytest.mark.parametrize(("query", "field"), [("?stage=launched", "stage"),
                                              ("?team=credit", "team")])
def test_bad_parameters_are_a_400_naming_them(api_client_for, auditor, query, field):
    response = api_client_for(auditor).get(f"/api/v1/ml-bom/{query}")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not AccessEvent.objects.exists()


def test_refused_and_anonymous_callers_get_nothing(api_client, api_client_for, refused_user,
                                                   data_scientist, version):
    assert api_client.get("/api/v1/ml-bom/").status_code == 401
    assert api_client.get(f"/api/v1/model-versions/{version.pk}/ml-bom/").status_code == 401
    refused = api_client_for(refused_user)
    assert refused.get("/api/v1/ml-bom/").status_code == 403
    assert refused.get(f"/api/v1/model-versions/{version.pk}/ml-bom/").status_code == 403
    hidden = ModelVersionFactory(model=MLModelFactory(confidential=True))
    scientist = api_client_for(data_scientist)
    assert scientist.get(f"/api/v1/model-versions/{hidden.pk}/ml-bom/").status_code == 404
    listed = json.loads(scientist.get("/api/v1/ml-bom/").content)
    assert f"model-version-{hidden.pk}" not in {c["bom-ref"] for c in listed["components"]}


def test_the_inventory_export_needs_a_constant_number_of_queries(api_client_for, auditor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for(auditor)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/ml-bom/").status_code == 200
        return len(queries)

    def add_versions(n: int) -> None:
        for _ in range(n):
            linked = ModelVersionFactory()
            data = DatasetVersionFactory(dataset=DatasetFactory(sensitivity=Sensitivity.PII))
            ModelVersionDataset(model_version=linked, dataset_version=data, role="test").save()
            external_dependency_link(model_version=linked, name=f"api-{linked.pk}",
                                     vendor="Vendor", actor=None, reason="test")

    add_versions(2)
    few = count()
    add_versions(6)
    assert count() == few


def test_the_version_page_downloads_the_ml_bom(client, validator, version):
    client.force_login(validator)
    page = client.get(version.model.get_absolute_url()).content.decode()
    url = reverse("inventory:modelversion_mlbom", args=[version.pk])
    assert url in page
    response = client.get(url)
    assert response["Content-Disposition"] == (
        'attachment; filename="ml-bom-credit-default-xgb-v1.cdx.json"')
    assert schema_errors(response.content.decode()) == []
    assert AccessEvent.objects.filter(user=validator, action=AccessAction.EXPORT).count() == 1


def test_the_command_writes_a_valid_ml_bom(tmp_path, version):
    target = tmp_path / "bom.json"
    call_command("export_ml_bom", version_id=version.pk, output=str(target))
    text = target.read_text()
    assert schema_errors(text) == []
    types = {c["type"] for c in json.loads(text)["components"]}
    assert types == {"machine-learning-model", "data", "container"}
    call_command("export_ml_bom", output=str(target), stage=["registered"])
    assert schema_errors(target.read_text()) == []
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT).count() == 2


def test_the_command_refuses_an_unknown_version():
    with pytest.raises(CommandError, match="No model version with id 999999"):
        call_command("export_ml_bom", version_id=999999)
