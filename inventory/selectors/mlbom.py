"""CycloneDX 1.6 machine-learning bills of materials (ML-BOM) of model versions, built with
cyclonedx-python-lib.

Each model version is a `machine-learning-model` component with its licence, artefact
hash, external references (artefact, code, source) and properties; its dataset versions
are `data` components, its environment a `container` component, and the third-party APIs
it calls (recorded by a higher app, see `register_external_dependency_source`) `services`;
the `dependencies` graph ties them together. cyclonedx-python-lib does not model the
1.6 `modelCard` nor a data component's `data` yet, so both are added to the serialised
document, from the same `ModelCard` the model-card pages use; `ml_bom_problems` validates
the result against the CycloneDX 1.6 JSON schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import ExternalReference, ExternalReferenceType, HashAlgorithm, HashType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalContact, OrganizationalEntity
from cyclonedx.model.service import Service
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from django.utils.text import slugify

from inventory.models import DatasetVersion, ModelVersion
from inventory.selectors.modelcards import ModelCard, model_card, model_card_versions, readable_datasets

__all__ = ["ExternalDependency", "ml_bom", "ml_bom_problems", "ml_bom_versions",
           "register_external_dependency_source"]


# --------------------------------------------------------------------------------------
# Extension point: third-party APIs a version calls are recorded above the inventory
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExternalDependency:
    """A third-party API or service a model version calls, and who provides it."""

    name: str
    vendor: str

    @property
    def bom_ref(self) -> str:
        return f"service-{slugify(self.vendor)}-{slugify(self.name)}"


ExternalDependencySource = Callable[[list[int]], dict[int, list[ExternalDependency]]]
_SOURCES: dict[str, ExternalDependencySource] = {}


def register_external_dependency_source(source: ExternalDependencySource, *, name: str) -> None:
    """Let a higher app tell the ML-BOM which external dependencies each version has:
    `source(version_ids)` returns `{version_id: [ExternalDependency, ...]}`."""
    _SOURCES[name] = source


def _external_dependencies(version_ids: list[int]) -> dict[int, list[ExternalDependency]]:
    found: dict[int, set[ExternalDependency]] = {}
    for source in _SOURCES.values():
        for version_id, dependencies in source(version_ids).items():
            found.setdefault(version_id, set()).update(dependencies)
    return {version_id: sorted(deps, key=lambda d: (d.vendor, d.name))
            for version_id, deps in found.items()}


# --------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------
def ml_bom_versions():
    """Versions with everything the ML-BOM reads, in a constant number of queries."""
    return model_card_versions().select_related("model__owner").order_by("model__name", "version")


def ml_bom(versions: Iterable[ModelVersion], *, user=None, subject: str) -> dict:
    """The CycloneDX 1.6 ML-BOM of `versions` (fetched with `ml_bom_versions()`), as a JSON
    object. `user` decides which dataset locations and datasheets appear (None: a system
    export, which shows all); `subject` says what was exported, e.g. "credit-default v3".
    """
    versions = list(versions)
    bom = Bom()
    bom.metadata.properties.add(Property(name="custodia:export", value=subject))
    readable = readable_datasets(user, versions)
    cards = {version.pk: model_card(version, readable=readable) for version in versions}
    externals = _external_dependencies([version.pk for version in versions])
    datasets: dict[int, DatasetVersion] = {}
    data_components: dict[int, Component] = {}
    services: dict[str, Service] = {}
    for version in versions:
        component = _model_component(version)
        bom.components.add(component)
        depends_on: list = []
        for link in version.dataset_links.all():
            dataset_version = link.dataset_version
            if dataset_version.pk not in datasets:
                datasets[dataset_version.pk] = dataset_version
                data_components[dataset_version.pk] = _data_component(dataset_version)
                bom.components.add(data_components[dataset_version.pk])
            depends_on.append(data_components[dataset_version.pk])
        if environment := _environment_component(version):
            bom.components.add(environment)
            depends_on.append(environment)
        for dependency in externals.get(version.pk, []):
            if dependency.bom_ref not in services:
                services[dependency.bom_ref] = _service(dependency)
                bom.services.add(services[dependency.bom_ref])
            depends_on.append(services[dependency.bom_ref])
        bom.register_dependency(component, depends_on)
    document = json.loads(JsonV1Dot6(bom).output_as_string())
    _add_model_cards(document, cards)
    _add_data_details(document, datasets, readable)
    return document


def ml_bom_problems(document: dict | str) -> list[str]:
    """Where the document breaks the CycloneDX 1.6 JSON schema (empty: valid)."""
    text = document if isinstance(document, str) else json.dumps(document)
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    return [str(error) for error in errors or ()]


def _model_ref(version: ModelVersion) -> str:
    return f"model-version-{version.pk}"


def _dataset_ref(dataset_version: DatasetVersion) -> str:
    return f"dataset-version-{dataset_version.pk}"


def _sha256(value: str) -> list[HashType]:
    hexdigest = (value or "").removeprefix("sha256:")
    return [HashType(alg=HashAlgorithm.SHA_256, content=hexdigest)] if hexdigest else []


def _reference(kind: ExternalReferenceType, url: str, comment: str = "") -> list[ExternalReference]:
    if not url:
        return []
    return [ExternalReference(type=kind, url=XsUri(url), comment=comment or None)]


def _properties(**values) -> list[Property]:
    return [Property(name=f"custodia:{name.replace('_', '-')}", value=str(value))
            for name, value in values.items() if value not in (None, "")]


def _model_component(version: ModelVersion) -> Component:
    model = version.model
    code = version.code_repository
    return Component(
        type=ComponentType.MACHINE_LEARNING_MODEL, bom_ref=_model_ref(version),
        name=model.name, version=str(version.version), group=model.team.slug if model.team else None,
        description=model.purpose or None,
        supplier=OrganizationalEntity(name=model.supplier) if model.supplier else None,
        authors=[_contact(model.owner)] if model.owner else None,
        licenses=[LicenseFactory().make_from_string(model.licence)] if model.licence else None,
        hashes=_sha256(version.artifact_sha256),
        external_references=[
            *_reference(ExternalReferenceType.DISTRIBUTION, version.artifact_uri, "Model artefact"),
            *_reference(ExternalReferenceType.VCS, code,
                        f"commit {version.code_commit}" if version.code_commit else ""),
            *_reference(ExternalReferenceType.WEBSITE, model.source_url, "Where it was obtained"),
        ],
        properties=_properties(
            stage=version.stage, risk_tier=model.risk_tier, origin=model.origin,
            code_commit=version.code_commit, training_date=version.training_date,
            artifact_size=version.artifact_size, redistribution=model.redistribution),
    )


def _contact(user) -> OrganizationalContact:
    return OrganizationalContact(name=user.get_full_name() or user.get_username(),
                                 email=user.email or None)


def _data_component(dataset_version: DatasetVersion) -> Component:
    dataset = dataset_version.dataset
    return Component(
        type=ComponentType.DATA, bom_ref=_dataset_ref(dataset_version), name=dataset.name,
        version=str(dataset_version.version), description=dataset.purpose or None,
        hashes=_sha256(dataset_version.sha256),
        properties=_properties(sensitivity=dataset.sensitivity, rows=dataset_version.row_count,
                               size=dataset_version.size, storage_mode=dataset.storage_mode,
                               residency_region=dataset.residency_region),
    )


def _environment_component(version: ModelVersion) -> Component | None:
    if not (version.environment_uri or version.environment_digest):
        return None
    return Component(
        type=ComponentType.CONTAINER, bom_ref=f"{_model_ref(version)}-environment",
        name=version.environment_uri or f"{version.model.name} v{version.version} environment",
        hashes=_sha256(version.environment_digest),
        description="The environment the version was trained and runs in.")


def _service(dependency: ExternalDependency) -> Service:
    return Service(name=dependency.name, bom_ref=dependency.bom_ref,
                   provider=OrganizationalEntity(name=dependency.vendor),
                   description="Third-party API or service the model calls.")


# --------------------------------------------------------------------------------------
# CycloneDX 1.6 parts the library does not model: the model card, a dataset's `data`
# --------------------------------------------------------------------------------------
def _add_model_cards(document: dict, cards: dict[int, ModelCard]) -> None:
    by_ref = {_model_ref(card.version): card for card in cards.values()}
    for component in document.get("components", []):
        if (card := by_ref.get(component["bom-ref"])) is not None:
            component["modelCard"] = _model_card_json(card)


def _model_card_json(card: ModelCard) -> dict:
    version = card.version
    parameters: dict = {"datasets": [{"ref": _dataset_ref(link.dataset_version)}
                                     for link in version.dataset_links.all()]}
    if version.input_schema:
        parameters["inputs"] = [{"format": "application/schema+json"}]
    if version.output_schema:
        parameters["outputs"] = [{"format": "application/schema+json"}]
    considerations: dict = {}
    if text := card.section("intended_use").text:
        considerations["useCases"] = [text]
    if text := card.section("caveats").text:
        considerations["technicalLimitations"] = [text]
    if text := card.section("ethical_considerations").text:
        considerations["ethicalConsiderations"] = [{"name": text}]
    if text := card.section("factors").text:
        considerations["fairnessAssessments"] = [{"groupAtRisk": text}]
    result: dict = {
        "bom-ref": f"{_model_ref(version)}-model-card",
        "modelParameters": {key: value for key, value in parameters.items() if value},
        "properties": [
            {"name": "custodia:model-card:complete",
             "value": f"{card.complete_count} of {len(card.sections)} sections"},
            *[{"name": f"custodia:model-card:missing:{section.key}", "value": section.title}
              for section in card.missing],
        ],
    }
    if metrics := card.section("metrics").metrics:
        result["quantitativeAnalysis"] = {"performanceMetrics": [
            {"type": name, "value": str(value)} for name, value in metrics]}
    if text := card.section("out_of_scope_uses").text:
        result["properties"].append({"name": "custodia:model-card:out-of-scope-uses",
                                     "value": text})
    if considerations:
        result["considerations"] = considerations
    return result


def _add_data_details(document: dict, datasets: dict[int, DatasetVersion],
                      readable_ids: set[int] | None) -> None:
    by_ref = {_dataset_ref(dv): dv for dv in datasets.values()}
    for component in document.get("components", []):
        if (dataset_version := by_ref.get(component["bom-ref"])) is not None:
            component["data"] = [_data_json(dataset_version, readable_ids)]


def _data_json(dataset_version: DatasetVersion, readable_ids: set[int] | None) -> dict:
    dataset = dataset_version.dataset
    readable = readable_ids is None or dataset.pk in readable_ids
    data: dict = {"type": "dataset", "name": f"{dataset.name} v{dataset_version.version}",
                  "classification": dataset.get_sensitivity_display()}
    if dataset.purpose:
        data["description"] = dataset.purpose
    if readable and dataset_version.uri:
        data["contents"] = {"url": dataset_version.uri}
    if dataset.is_sensitive:
        data["sensitiveData"] = [f"{dataset.get_sensitivity_display()} data"]
    owners = [{"contact": _contact_json(dataset.owner)}] if dataset.owner else []
    stewards = [{"contact": _contact_json(dataset.steward)}] if dataset.steward else []
    if owners or stewards:
        data["governance"] = {key: value for key, value in
                              (("owners", owners), ("stewards", stewards)) if value}
    return data


def _contact_json(user) -> dict:
    contact = {"name": user.get_full_name() or user.get_username()}
    if user.email:
        contact["email"] = user.email
    return contact
