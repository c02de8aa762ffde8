"""Catalogue dashboards: lists, details, registration, completeness,
licences, risk register, saved searches — permissions, confidentiality and query counts."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.choices import AccessAction
from core.models import AccessEvent
from core.roles import Role
from inventory.choices import ModelStage, Origin, Redistribution, RiskTier
from inventory.models import MetadataStandard, MLModel, SavedSearch
from inventory.services import catalogue
from tests.factories import UserFactory
from tests.factories.catalogue import (
    VALID_INPUT_SCHEMA,
    DatasetFactory,
    FeatureFactory,
    MLModelFactory,
    ModelVersionFactory,
    PipelineFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

LIST_ROUTES = ["inventory:mlmodel_list", "inventory:dataset_list", "inventory:feature_list",
               "inventory:pipeline_list", "inventory:licence_list"]


def _login(client, user):
    client.force_login(user)
    return client


def _registration(**overrides) -> dict:
    """A complete registration as the dashboard form posts it."""
    owner = UserFactory(username="olga")
    team = TeamFactory(slug="credit-risk", name="Credit risk")
    data = {
        "name": "credit-default-xgb",
        "purpose": "Predicts the probability of default of credit applications.",
        "description": "Gradient-boosted trees.",
        "domain": "credit",
        "purpose_category": "internal_operations",
        "owner": owner.pk,
        "steward": owner.pk,
        "team": team.pk,
        "origin": Origin.INTERNAL,
        "redistribution": Redistribution.NOT_APPLICABLE,
        "training_date": "2026-02-01",
        "training_environment": "python 3.11, xgboost 2.0",
        "inference_requirements": "1 vCPU, 2 GiB",
        "evaluation_metrics": '{"auc": 0.82}',
        "input_schema": '{"type": "object", "properties": {"income": {"type": "number"}}}',
        "output_schema": '{"type": "object", "properties": {"score": {"type": "number"}}}',
        "tags": "scoring, retail",
        "change_reason": "First registration",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------------------
# Pages render for a role; the refused user gets 403 on every page
# --------------------------------------------------------------------------------------
def test_every_catalogue_page_renders_for_a_compliance_officer(client, compliance_officer):
    model = MLModelFactory(name="credit-default-xgb", compliance_tags=["sr-11-7"])
    ModelVersionFactory(model=model)
    dataset = DatasetFactory()
    feature = FeatureFactory(dataset=dataset)
    pipeline = PipelineFactory()
    _login(client, compliance_officer)
    urls = [reverse(name) for name in LIST_ROUTES] + [
        model.get_absolute_url(), dataset.get_absolute_url(), feature.get_absolute_url(),
        pipeline.get_absolute_url(), reverse("inventory:completeness"),
        reverse("inventory:risk_register"), reverse("home"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_refused_user_gets_403_on_every_catalogue_page(client, refused_user):
    model = MLModelFactory()
    dataset = DatasetFactory()
    feature = FeatureFactory()
    pipeline = PipelineFactory()
    _login(client, refused_user)
    urls = [reverse(name) for name in LIST_ROUTES] + [
        model.get_absolute_url(), dataset.get_absolute_url(), feature.get_absolute_url(),
        pipeline.get_absolute_url(), reverse("inventory:completeness"),
        reverse("inventory:risk_register"), reverse("inventory:mlmodel_add"),
        reverse("inventory:mlmodel_edit", args=[model.pk]),
        reverse("inventory:mlmodel_delete", args=[model.pk]),
        reverse("inventory:mlmodel_list") + "?export=csv",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("inventory:savedsearch_add"),
                           {"page": "inventory:mlmodel_list", "name": "mine", "query": ""})
    assert response.status_code == 403
    assert not SavedSearch.objects.exists()


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("inventory:mlmodel_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --------------------------------------------------------------------------------------
# Confidentiality: team A never sees team B's confidential model
# --------------------------------------------------------------------------------------
@pytest.fixture
def two_teams(db):
    alice = UserFactory(username="alice", roles=[Role.DATA_SCIENTIST])
    bob = UserFactory(username="bob", roles=[Role.DATA_SCIENTIST])
    TeamFactory(slug="team-a", name="Team A", members=[alice])
    team_b = TeamFactory(slug="team-b", name="Team B", members=[bob])
    secret = MLModelFactory(name="fraud-secret-gbm", team=team_b, confidential=True,
                            purpose="Hidden scoring of payments.", output_schema=None,
                            compliance_tags=["pci-dss"])
    open_model = MLModelFactory(name="fraud-open-gbm", team=team_b, output_schema=None)
    MetadataStandard.objects.update_or_create(
        asset_type="mlmodel", risk_tier="medium",
        defaults={"required_fields": ["output_schema"]})
    return {"alice": alice, "bob": bob, "secret": secret, "open": open_model}


def test_team_a_cannot_see_team_b_confidential_model_anywhere(client, two_teams):
    secret = two_teams["secret"]
    _login(client, two_teams["alice"])

    listing = client.get(reverse("inventory:mlmodel_list")).content.decode()
    assert "fraud-open-gbm" in listing
    assert "fraud-secret-gbm" not in listing

    search = client.get(reverse("inventory:mlmodel_list") + "?q=fraud").content.decode()
    assert "fraud-open-gbm" in search and "fraud-secret-gbm" not in search
    tagged = client.get(reverse("inventory:mlmodel_list") + "?compliance_tag=pci-dss")
    assert "fraud-secret-gbm" not in tagged.content.decode()

    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(reverse("inventory:mlmodel_edit", args=[secret.pk])).status_code in (403, 404)

    completeness = client.get(reverse("inventory:completeness")).content.decode()
    assert "fraud-open-gbm" in completeness
    assert "fraud-secret-gbm" not in completeness

    export = client.get(reverse("inventory:mlmodel_list") + "?export=csv")
    body = b"".join(export.streaming_content).decode()
    assert "fraud-open-gbm" in body and "fraud-secret-gbm" not in body
    completeness_csv = client.get(reverse("inventory:completeness") + "?export=csv")
    assert "fraud-secret-gbm" not in completeness_csv.content.decode()

    register = client.get(reverse("inventory:risk_register")).content.decode()
    assert "fraud-secret-gbm" not in register


def test_a_feature_does_not_reveal_another_team_s_confidential_dataset(client, two_teams):
    team_b = two_teams["secret"].team
    hidden = DatasetFactory(name="fraud-secret-transactions", team=team_b, confidential=True)
    feature = FeatureFactory(name="fraud-velocity-1h", team=team_b, dataset=hidden)
    _login(client, two_teams["alice"])

    listing = client.get(reverse("inventory:feature_list")).content.decode()
    detail = client.get(feature.get_absolute_url()).content.decode()

    assert "fraud-velocity-1h" in listing
    assert "fraud-secret-transactions" not in listing + detail
    assert "not visible to you" in listing and "not visible to you" in detail
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_team_member_sees_and_views_the_confidential_model_and_the_view_is_logged(
        client, two_teams):
    secret = two_teams["secret"]
    _login(client, two_teams["bob"])

    assert "fraud-secret-gbm" in client.get(reverse("inventory:mlmodel_list")).content.decode()
    response = client.get(secret.get_absolute_url())

    assert response.status_code == 200
    event = AccessEvent.objects.get(action=AccessAction.VIEW, object_id=str(secret.pk))
    assert event.user == two_teams["bob"]
    assert event.object_repr == "fraud-secret-gbm"


def test_viewing_a_model_that_is_not_confidential_is_not_logged(client, two_teams):
    _login(client, two_teams["alice"])
    assert client.get(two_teams["open"].get_absolute_url()).status_code == 200
    assert not AccessEvent.objects.filter(action=AccessAction.VIEW).exists()


# --------------------------------------------------------------------------------------
# Lists: filters in the URL, badges, CSV of exactly what is filtered
# --------------------------------------------------------------------------------------
def test_models_list_filters_by_risk_tier_and_compliance_tag_and_exports_the_same(
        client, compliance_officer):
    MLModelFactory(name="credit-default-xgb", risk_tier=RiskTier.HIGH,
                   compliance_tags=["sr-11-7"])
    MLModelFactory(name="credit-limit-gbm", risk_tier=RiskTier.HIGH)
    MLModelFactory(name="marketing-churn-xgb", risk_tier=RiskTier.LOW,
                   compliance_tags=["sr-11-7"])
    _login(client, compliance_officer)
    query = "?risk_tier=high&compliance_tag=sr-11-7"

    page = client.get(reverse("inventory:mlmodel_list") + query).content.decode()
    export = client.get(reverse("inventory:mlmodel_list") + query + "&export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))

    assert "credit-default-xgb" in page
    assert "credit-limit-gbm" not in page and "marketing-churn-xgb" not in page
    assert 'class="badge text-bg-warning">High<' in page  # the risk tier badge
    assert [row["Name"] for row in rows] == ["credit-default-xgb"]
    assert rows[0]["Compliance tags"] == "sr-11-7"
    assert AccessEvent.objects.filter(action=AccessAction.EXPORT, result_count=1).exists()


def test_licence_view_lists_production_models_that_may_not_be_redistributed(
        client, compliance_officer):
    MLModelFactory(name="support-summary-vendor", origin=Origin.VENDOR,
                   stage=ModelStage.PRODUCTION, redistribution=Redistribution.PROHIBITED,
                   licence="LicenseRef-Vendor-Terms", supplier="Northwind")
    MLModelFactory(name="support-chat-llama", origin=Origin.OPEN_WEIGHTS,
                   stage=ModelStage.PRODUCTION, redistribution=Redistribution.CONDITIONS,
                   licence="Apache-2.0")
    MLModelFactory(name="credit-inhouse-xgb", stage=ModelStage.PRODUCTION)
    _login(client, compliance_officer)

    everything = client.get(reverse("inventory:licence_list")).content.decode()
    restricted = client.get(reverse("inventory:licence_list")
                            + "?stage=production&redistribution=prohibited").content.decode()

    assert "support-chat-llama" in everything and "support-summary-vendor" in everything
    assert "credit-inhouse-xgb" not in everything  # built in-house: no third-party licence
    assert "support-summary-vendor" in restricted and "support-chat-llama" not in restricted
    home = client.get(reverse("home")).content.decode()
    assert "Production models that may not be redistributed" in home


def test_risk_register_counts_models_by_tier_and_stage_and_links_to_the_list(
        client, risk_officer):
    MLModelFactory(risk_tier=RiskTier.CRITICAL, stage=ModelStage.PRODUCTION)
    MLModelFactory(risk_tier=RiskTier.CRITICAL, stage=ModelStage.PRODUCTION)
    MLModelFactory(risk_tier=RiskTier.LOW, stage=ModelStage.DRAFT)
    _login(client, risk_officer)

    response = client.get(reverse("inventory:risk_register"))

    matrix = response.context["matrix"]
    critical = next(row for row in matrix["rows"] if row["tier"] == RiskTier.CRITICAL)
    production = next(c for c in critical["cells"] if c["stage"] == ModelStage.PRODUCTION)
    assert production["count"] == 2 and matrix["total"] == 3
    assert production["url"].endswith("?risk_tier=critical&stage=production")
    listed = client.get(production["url"])
    assert listed.context["paginator"].count == 2


def test_completeness_lists_what_each_asset_misses_and_filters_by_team_and_type(
        client, compliance_officer):
    team = TeamFactory(slug="credit-risk", name="Credit risk")
    other = TeamFactory(slug="fraud", name="Fraud")
    MLModelFactory(name="credit-default-xgb", team=team, training_date=None)
    MLModelFactory(name="fraud-card-gbm", team=other, training_date=None)
    MLModelFactory(name="credit-complete-xgb", team=team)
    _login(client, compliance_officer)

    page = client.get(reverse("inventory:completeness") + f"?team={team.pk}&asset_type=mlmodel")

    rows = page.context["rows"]
    assert [row["asset"].name for row in rows] == ["credit-default-xgb"]
    assert rows[0]["gaps"] == ["Training date"]
    assert "Training date" in page.content.decode()


# --------------------------------------------------------------------------------------
# Registration form: the backend's rules, next to the fields; nothing written on refusal
# --------------------------------------------------------------------------------------
def test_registration_form_refuses_an_incomplete_registration_field_by_field(
        client, data_scientist):
    _login(client, data_scientist)
    data = _registration(name="Credit Model 1", purpose="", training_date="",
                         description="Typed by hand and must survive the refusal")

    response = client.post(reverse("inventory:mlmodel_add"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "domain-purpose-variant" in " ".join(form.errors["name"])
    assert "credit-default-xgb" in " ".join(form.errors["name"])
    assert form.errors["purpose"] and form.errors["training_date"]
    assert not MLModel.objects.exists()
    html = response.content.decode()
    assert "Typed by hand and must survive the refusal" in html  # nothing typed is lost
    assert 'data-field-error="name"' in html
    assert "Nothing was saved" in html


def test_registration_form_shows_the_same_problems_as_the_service(client, data_scientist):
    from inventory.services.standards import registration_problems

    _login(client, data_scientist)
    response = client.post(reverse("inventory:mlmodel_add"),
                           _registration(name="tmp-model-x", input_schema='{"type": 12}',
                                         licence="NotALicence-9"))

    form = response.context["form"]
    expected = registration_problems(asset_type="mlmodel", data={
        "name": "tmp-model-x", "domain": "credit", "input_schema": {"type": 12},
        "licence": "NotALicence-9"}, model_validation=False)
    for field in ("name", "input_schema", "licence"):
        assert form.errors[field] == expected[field], field
    assert not MLModel.objects.exists()


def test_registration_form_registers_through_the_service_with_history(client, data_scientist):
    _login(client, data_scientist)

    response = client.post(reverse("inventory:mlmodel_add"), _registration())

    model = MLModel.objects.get(name="credit-default-xgb")
    assert response.status_code == 302 and response["Location"] == model.get_absolute_url()
    record = model.history.get()
    assert record.history_user == data_scientist
    assert record.history_change_reason == "First registration"
    assert sorted(model.tags.values_list("name", flat=True)) == ["retail", "scoring"]
    assert model.classification  # classified by the accounting policy at registration


def test_edit_form_changes_metadata_and_the_history_shows_before_and_after(
        client, model_owner, data_scientist):
    model = catalogue.mlmodel_create(actor=data_scientist, reason="Registered", data={
        "name": "credit-default-xgb", "purpose": "Scores applications.",
        "owner": data_scientist, "steward": data_scientist, "team": TeamFactory(),
        "training_date": datetime.date(2026, 1, 1), "output_schema": {"type": "number"},
        "input_schema": VALID_INPUT_SCHEMA, "evaluation_metrics": {"auc": 0.8},
        "training_environment": "python", "inference_requirements": "1 vCPU"})
    _login(client, model_owner)
    form = client.get(reverse("inventory:mlmodel_edit", args=[model.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(purpose="Scores retail credit applications.", change_reason="Clarified purpose",
                compliance_tags=[], tracked_artefacts=data.get("tracked_artefacts") or [])

    response = client.post(reverse("inventory:mlmodel_edit", args=[model.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    detail = client.get(model.get_absolute_url())
    newest = detail.context["history"][0]
    assert newest.reason == "Clarified purpose"
    assert newest.actor.startswith("model_owner")
    change = next(c for c in newest.changes if c.field == "purpose")
    assert (change.before, change.after) == ("Scores applications.",
                                             "Scores retail credit applications.")
    html = detail.content.decode()
    assert "Scores applications." in html and "Clarified purpose" in html


def test_delete_is_refused_for_a_model_that_has_been_in_production(client, platform_admin):
    model = MLModelFactory(stage=ModelStage.PRODUCTION)
    _login(client, platform_admin)

    detail = client.get(model.get_absolute_url()).content.decode()
    response = client.post(reverse("inventory:mlmodel_delete", args=[model.pk]),
                           {"reason": "Clean-up"})

    assert reverse("inventory:mlmodel_delete", args=[model.pk]) not in detail
    assert response.status_code == 200
    assert "can never be deleted" in response.content.decode()
    assert MLModel.objects.filter(pk=model.pk).exists()


def test_detail_header_offers_only_the_actions_the_user_may_take(client, auditor, model_owner):
    model = MLModelFactory()
    edit_url = reverse("inventory:mlmodel_edit", args=[model.pk])

    auditor_page = _login(client, auditor).get(model.get_absolute_url()).content.decode()
    owner_page = _login(client, model_owner).get(model.get_absolute_url()).content.decode()

    assert edit_url not in auditor_page
    assert edit_url in owner_page
    assert client.get(edit_url).status_code == 200
    assert _login(client, auditor).get(edit_url).status_code == 403


# --------------------------------------------------------------------------------------
# Saved searches
# --------------------------------------------------------------------------------------
def test_saved_searches_are_saved_listed_reopened_and_deleted_per_user(client, compliance_officer,
                                                                        auditor):
    _login(client, compliance_officer)
    query = "risk_tier=high&compliance_tag=sr-11-7"

    response = client.post(reverse("inventory:savedsearch_add"), {
        "page": "inventory:mlmodel_list", "name": "High risk SR 11-7", "query": query + "&page=3"})

    saved = SavedSearch.objects.get(user=compliance_officer)
    assert saved.query == query
    assert response["Location"] == reverse("inventory:mlmodel_list") + "?" + query
    page = client.get(reverse("inventory:mlmodel_list")).content.decode()
    assert "High risk SR 11-7" in page and f"?{query.replace('&', '&amp;')}" in page

    duplicate = client.post(reverse("inventory:savedsearch_add"), {
        "page": "inventory:mlmodel_list", "name": "High risk SR 11-7", "query": ""}, follow=True)
    assert "not saved" in duplicate.content.decode()
    assert SavedSearch.objects.count() == 1

    _login(client, auditor)
    assert "High risk SR 11-7" not in client.get(reverse("inventory:mlmodel_list")).content.decode()
    assert client.post(reverse("inventory:savedsearch_delete", args=[saved.pk])).status_code == 404

    _login(client, compliance_officer)
    client.post(reverse("inventory:savedsearch_delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


# --------------------------------------------------------------------------------------
# Home: counters that link to the filtered list, and the tier x stage chart
# --------------------------------------------------------------------------------------
def test_home_shows_catalogue_counters_and_the_risk_chart(client, compliance_officer):
    MLModelFactory(risk_tier=RiskTier.HIGH, stage=ModelStage.PRODUCTION,
                   steward=compliance_officer)
    MLModelFactory(training_date=None)
    _login(client, compliance_officer)

    response = client.get(reverse("home"))

    counters = {c["label"]: c for c in response.context["counters"]}
    assert counters["Registered models"]["value"] == 2
    assert counters["Incomplete model registrations"]["value"] == 1
    assert counters["High or critical risk models in production"]["value"] == 1
    incomplete = client.get(counters["Incomplete model registrations"]["url"])
    assert len(incomplete.context["rows"]) == 1
    assert 'data-testid="risk-chart"' in response.content.decode()


# --------------------------------------------------------------------------------------
# Query counts: constant as rows grow (house style, "Query-count tests")
# --------------------------------------------------------------------------------------
def _count_queries(client, url: str) -> int:
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _object_grants_user(model_class, objects):
    """A user holding only object-level view grants (where guardian hides N+1)."""
    user = UserFactory(username=f"granted-{model_class._meta.model_name}")
    for obj in objects:
        assign_perm(f"inventory.view_{model_class._meta.model_name}", user, obj)
    return user


FACTORIES = {
    "inventory:mlmodel_list": (MLModel, lambda n, team: MLModelFactory(
        team=team, compliance_tags=["sr-11-7", f"tag-{n % 3}"], tags=["scoring"])),
    "inventory:licence_list": (MLModel, lambda n, team: MLModelFactory(
        team=team, origin=Origin.VENDOR, licence="Apache-2.0", compliance_tags=["sr-11-7"])),
    "inventory:dataset_list": (None, lambda n, team: DatasetFactory(team=team,
                                                                    compliance_tags=["gdpr"])),
    "inventory:feature_list": (None, lambda n, team: FeatureFactory(
        team=team, dataset=DatasetFactory(team=team))),
    "inventory:pipeline_list": (None, lambda n, team: PipelineFactory(team=team)),
}


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_list_pages_run_a_constant_number_of_queries(client, compliance_officer, route):
    _, factory = FACTORIES[route]
    team = TeamFactory(members=[compliance_officer])
    made = [factory(n, team) for n in range(10)]
    url = reverse(route) + "?per_page=50"
    _login(client, compliance_officer)
    at_10 = _count_queries(client, url)
    made += [factory(n, team) for n in range(10, 30)]
    at_30 = _count_queries(client, url)
    assert client.get(url).context["paginator"].count == 30
    assert at_10 == at_30

    granted = _object_grants_user(type(made[0]), made[:10])
    _login(client, granted)
    grants_10 = _count_queries(client, url)
    for obj in made[10:]:
        assign_perm(f"inventory.view_{type(obj)._meta.model_name}", granted, obj)
    grants_30 = _count_queries(client, url)
    assert client.get(url).context["paginator"].count == 30
    assert grants_10 == grants_30


def test_model_detail_runs_a_constant_number_of_queries(client, model_owner):
    model = catalogue.mlmodel_create(actor=model_owner, reason="Registered", data={
        "name": "credit-default-xgb", "purpose": "Scores applications.", "owner": model_owner,
        "steward": model_owner, "team": TeamFactory(members=[model_owner]),
        "training_date": datetime.date(2026, 1, 1), "input_schema": VALID_INPUT_SCHEMA,
        "output_schema": {"type": "number"},
        "evaluation_metrics": {"auc": 0.8}, "training_environment": "python",
        "inference_requirements": "1 vCPU", "compliance_tags": [], "tags": ["a"]})
    _login(client, model_owner)

    def grow(count: int) -> None:
        for n in range(count):
            ModelVersionFactory(model=model)
            catalogue.mlmodel_update(model=model, actor=model_owner, reason=f"Edit {n}",
                                     data={"purpose": f"Scores applications ({n})."})

    grow(3)
    at_few = _count_queries(client, model.get_absolute_url())
    grow(12)
    at_many = _count_queries(client, model.get_absolute_url())
    detail = client.get(model.get_absolute_url())
    assert len(detail.context["versions"]) == 15 and len(detail.context["history"]) == 16
    assert at_few == at_many


def test_list_page_and_detail_have_a_ceiling_on_queries(client, compliance_officer):
    MLModelFactory()
    model = MLModelFactory(compliance_tags=["sr-11-7"])
    _login(client, compliance_officer)
    assert _count_queries(client, reverse("inventory:mlmodel_list")) <= 20
    # The detail page includes the panels other apps add (lineage, compliance, approvals,
    # findings, monitoring health and alerts), a few queries each.
    assert _count_queries(client, model.get_absolute_url()) <= 32


def test_compliance_officer_role_holds_the_view_permissions_the_pages_need(compliance_officer):
    codenames = set(Permission.objects.filter(group__user=compliance_officer)
                    .values_list("codename", flat=True))
    assert {"view_mlmodel", "view_dataset", "view_feature", "view_pipeline"} <= codenames


def test_models_list_sorts_risk_tier_by_meaning(client, compliance_officer):
    for tier in (RiskTier.MEDIUM, RiskTier.CRITICAL, RiskTier.LOW, RiskTier.HIGH):
        MLModelFactory(name=f"credit-{tier}-xgb", risk_tier=tier, steward=compliance_officer)
    _login(client, compliance_officer)

    response = client.get(reverse("inventory:mlmodel_list") + "?sort=-risk_rank")

    names = [row.name for row in response.context["page_obj"].object_list]
    assert names == ["credit-critical-xgb", "credit-high-xgb", "credit-medium-xgb",
                     "credit-low-xgb"]


def test_models_list_queries_stay_constant_from_10_to_200_rows(client, compliance_officer):
    """List pages run a constant number of queries from 10 to 200 rows."""
    team = TeamFactory(members=[compliance_officer])
    for n in range(10):
        MLModelFactory(team=team, compliance_tags=["sr-11-7"], tags=[f"t{n % 4}"])
    url = reverse("inventory:mlmodel_list") + "?per_page=250&sort=-risk_rank"
    _login(client, compliance_officer)
    at_10 = _count_queries(client, url)
    for n in range(190):
        MLModelFactory(team=team, compliance_tags=["sr-11-7", "gdpr-art22"], tags=[f"t{n % 4}"],
                       confidential=n % 5 == 0)
    at_200 = _count_queries(client, url)
    assert client.get(url).context["paginator"].count == 200
    assert at_10 == at_200
