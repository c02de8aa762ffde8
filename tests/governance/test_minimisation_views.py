"""Data-minimisation pages: the rules and the findings, filtered by rule (chosen by name)
and by model or input; refused without a role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance.services.minimisation import minimisation_rule_create
from tests.factories.catalogue import MLModelFactory, PinnedModelVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(db):
    rule = minimisation_rule_create(actor=None, reason="Set up", data={
        "name": "Research: no religion", "purpose_category": "research",
        "prohibited_attributes": ["religion"]})
    model = MLModelFactory(name="survey-topics-lda", purpose_category="research")
    PinnedModelVersionFactory(model=model, input_schema={
        "type": "object", "properties": {"religion_declared": {"type": "string"}}})
    return rule


def test_findings_page_filters_by_rule_and_search(client, auditor, findings):
    client.force_login(auditor)
    url = reverse("governance:minimisationfinding_list")
    response = client.get(url, {"rule": findings.pk, "q": "survey"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 1
    assert "religion_declared" in response.content.decode()
    assert client.get(url, {"q": "nothing-like-it"}).context["paginator"].count == 0


def test_rules_page_lists_the_rule(client, auditor, findings):
    client.force_login(auditor)
    response = client.get(reverse("governance:minimisationrule_list"), {"q": "religion"})
    assert response.status_code == 200
    assert "Research: no religion" in response.content.decode()


def test_pages_refuse_a_user_without_a_role(client, refused_user, findings):
    client.force_login(refused_user)
    assert client.get(reverse("governance:minimisationfinding_list")).status_code == 403
    assert client.get(reverse("governance:minimisationrule_list")).status_code == 403
