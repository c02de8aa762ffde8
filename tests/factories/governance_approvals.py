"""Factories of approval workflows and data-minimisation records."""

from datetime import timedelta

import factory
from django.utils import timezone

from governance.choices import ApprovalStatus, Decision, MinimisationOutcome
from governance.models import (
    ApprovalDecision,
    ApprovalPolicy,
    ApprovalRequest,
    MinimisationFinding,
    MinimisationRule,
)
from inventory.choices import ModelStage, RiskTier
from tests.factories.catalogue import ModelVersionFactory
from tests.factories.users import UserFactory


class ApprovalPolicyFactory(factory.django.DjangoModelFactory):
    """A policy of a tier no default policy uses for this stage (`django_get_or_create`
    returns the shipped one otherwise)."""

    class Meta:
        model = ApprovalPolicy
        django_get_or_create = ("risk_tier", "to_stage")

    risk_tier = RiskTier.HIGH
    to_stage = ModelStage.PRODUCTION
    approvals_required = 2
    approver_roles = factory.LazyFunction(lambda: ["Validator", "Risk officer"])
    cab_required = True


class ApprovalRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to promote a validated version into staging."""

    class Meta:
        model = ApprovalRequest

    model_version = factory.SubFactory(ModelVersionFactory, stage=ModelStage.VALIDATED)
    from_stage = ModelStage.VALIDATED
    to_stage = ModelStage.STAGING
    requested_by = factory.SubFactory(UserFactory)
    reason = "Validation passed; ready for the shadow run."
    status = ApprovalStatus.PENDING
    approvals_required = 1
    approver_roles = factory.LazyFunction(lambda: ["Validator"])
    cab_required = False
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=72))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    version_fingerprint = "0" * 64


class ApprovalDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalDecision

    request = factory.SubFactory(ApprovalRequestFactory)
    approver = factory.SubFactory(UserFactory)
    decision = Decision.APPROVE
    comment = "Validation report reviewed."
    roles = factory.LazyFunction(lambda: ["Validator"])


class MinimisationRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MinimisationRule

    name = factory.Sequence(lambda n: f"Marketing rule {n}")
    purpose_category = "research"
    domain = factory.Sequence(lambda n: f"marketing-{n}")
    prohibited_attributes = factory.LazyFunction(lambda: ["religion"])
    justification_attributes = factory.LazyFunction(lambda: ["latitude"])


class MinimisationFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MinimisationFinding

    model_version = factory.SubFactory(ModelVersionFactory)
    rule = factory.SubFactory(MinimisationRuleFactory)
    feature = factory.Sequence(lambda n: f"religion_{n}")
    outcome = MinimisationOutcome.PROHIBITED
    blocking = True
    message = "Input uses religion, which the rule prohibits."
