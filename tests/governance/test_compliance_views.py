"""Compliance dashboards: the overview, statuses and gaps lists, frameworks pages, the
model panel and the recompute button; refusals and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.models import JobRun
from governance.models import ComplianceAssessment, RegulatoryFramework, RequirementResult
from governance.services.compliance import RECOMPUTE_JOB, compliance_recompute
from governance.services.regulations import regulations_load
from tests.factories import UserFactory
from tests.factories.catalogue import MLModelFactory
from tests.factories.regulations import RequirementResultFactory
from tests.governance.test_compliance_services import eu_credit_model

pytestmark = pytest.mark.django_db

PAGES = ["governance:compliance", "governance:status_list", "governance:gap_list",
         "governance:framework_list"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assessed(db):
    regulations_load()
    model, _ = eu_credit_model()
    compliance_recompute(model_ids=[model.pk], trigger="test")
    return model


@pytest.mark.parametrize("page", PAGES)
def test_pages_refuse_a_user_without_a_role(page, refused_user):
    assert _client(refused_user).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_pages_send_anonymous_visitors_to_sign_in(page, client):
    answer = client.get(reverse(page))
    assert answer.status_code == 302 and "/login" in answer["Location"]


def test_the_overview_shows_each_framework_with_its_counts(assessed, compliance_officer):
    html = _client(compliance_officer).get(reverse("governance:compliance")).content.decode()
    gdpr = RegulatoryFramework.objects.get(code="gdpr")
    assert f'href="{reverse("governance:status_list")}?framework=gdpr&amp;status=gap"' in html
    assert 'data-testid="gaps-gdpr">1</a>' in html
    assert "compliance-data" in html and "vendor/plotly/plotly.min.js" in html
    assert gdpr.short_name in html
    assert "Recompute now" in html  # compliance officers may start it


def test_an_auditor_reads_the_overview_without_the_recompute_button(assessed, auditor):
    html = _client(auditor).get(reverse("governance:compliance")).content.decode()
    assert "Models per framework" in html and "Recompute now" not in html
    answer = _client(auditor).post(reverse("governance:compliance_recompute"))
    assert answer.status_code == 403
    assert not JobRun.objects.filter(name=RECOMPUTE_JOB).exists()


def test_the_recompute_button_starts_the_job_and_shows_its_progress(compliance_officer):
    answer = _client(compliance_officer).post(reverse("governance:compliance_recompute"))
    run = JobRun.objects.get(name=RECOMPUTE_JOB)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("core:jobrun_detail", args=[run.pk])
    assert run.user == compliance_officer


def test_the_gaps_list_names_what_is_missing_and_exports_it(assessed, compliance_officer):
    client = _client(compliance_officer)
    html = client.get(reverse("governance:gap_list"), {"framework": "gdpr"}).content.decode()
    assert "Dataset “eu-loan-applications” has no legal basis or consent recorded." in html
    assert "Record the consent or legal basis" in html
    export = client.get(reverse("governance:gap_list"), {"framework": "gdpr", "export": "csv"})
    body = b"".join(export.streaming_content).decode()
    assert body.splitlines()[0].startswith("Model,Framework,Clause,Requirement")
    assert "Art. 22" in body and "credit-default-eu" in body


def test_the_status_list_filters_by_framework_and_status(assessed, auditor):
    html = _client(auditor).get(reverse("governance:status_list"),
                                {"framework": "hipaa", "status": "not_applicable"}
                                ).content.decode()
    assert "credit-default-eu" in html and "Not applicable" in html


def test_the_framework_page_lists_requirements_with_gap_counts(assessed, auditor):
    gdpr = RegulatoryFramework.objects.get(code="gdpr")
    html = _client(auditor).get(reverse("governance:framework_detail", args=[gdpr.pk])
                                ).content.decode()
    assert 'id="req-art-22"' in html and "Automated individual decision-making" in html
    assert "Human oversight described" in html  # the evidence check, by its label
    assert "decides about people automatically" in html  # the rule in plain words
    answer = _client(auditor).get(reverse("governance:framework_detail", args=[gdpr.pk]),
                                  {"version": 999999})
    assert answer.status_code == 404


def test_the_model_page_shows_its_compliance_panel_with_named_gaps(assessed, auditor):
    html = _client(auditor).get(reverse("inventory:mlmodel_detail", args=[assessed.pk])
                                ).content.decode()
    assert 'data-testid="panel-compliance"' in html
    assert 'data-testid="gap-gdpr-art-22"' in html
    edit = reverse("inventory:mlmodel_edit", args=[assessed.pk]) + "#id_human_oversight"
    assert edit in html


def test_the_panel_is_hidden_from_someone_who_may_see_the_model_but_not_statuses(assessed):
    viewer = UserFactory(username="model-viewer")
    assign_perm("inventory.view_mlmodel", viewer, assessed)
    html = _client(viewer).get(reverse("inventory:mlmodel_detail", args=[assessed.pk])
                               ).content.decode()
    assert 'data-testid="panel-compliance"' not in html


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"per_page": 100}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["governance:status_list", "governance:gap_list"])
def test_list_pages_cost_the_same_queries_for_n_and_3n_rows(page):
    """Measured as a user holding only object grants (where guardian hides N+1)."""
    user = UserFactory(username="grants-only")
    client = _client(user)

    def grant(n):
        for _ in range(n):
            result = RequirementResultFactory()
            assign_perm("governance.view_complianceassessment", user, result.assessment)
            assign_perm("governance.view_requirementresult", user, result)

    grant(2)
    client.get(reverse(page))
    at_n = _list_queries(client, reverse(page))
    grant(4)
    at_3n = _list_queries(client, reverse(page))
    assert at_n == at_3n, (at_n, at_3n)
    assert ComplianceAssessment.objects.count() == 6 and RequirementResult.objects.count() == 6


def test_the_model_page_panel_costs_the_same_for_many_frameworks(auditor):
    regulations_load()
    model = MLModelFactory(name="any-model")
    compliance_recompute(model_ids=[model.pk], trigger="test")
    with CaptureQueriesContext(connection) as queries:
        _client(auditor).get(reverse("inventory:mlmodel_detail", args=[model.pk]))
    panel = [q["sql"] for q in queries if "governance_" in q["sql"]]
    assert len(panel) <= 3, panel


def test_the_home_page_counts_models_with_gaps(assessed, compliance_officer):
    html = _client(compliance_officer).get(reverse("home")).content.decode()
    assert "Models with compliance gaps" in html
    assert f'{reverse("governance:status_list")}?status=gap' in html
