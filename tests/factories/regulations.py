"""Factories of regulatory frameworks, requirements and compliance statuses."""

from __future__ import annotations

import factory
from django.utils import timezone

from governance.choices import ComplianceOutcome
from governance.models import (
    ComplianceAssessment,
    FrameworkVersion,
    RegulatoryFramework,
    Requirement,
    RequirementResult,
)
from tests.factories.catalogue import MLModelFactory

__all__ = ["ComplianceAssessmentFactory", "FrameworkVersionFactory",
           "RegulatoryFrameworkFactory", "RequirementFactory", "RequirementResultFactory"]


class RegulatoryFrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegulatoryFramework

    code = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.Sequence(lambda n: f"Model Governance Act {n}")
    short_name = factory.Sequence(lambda n: f"MGA {n}")
    jurisdiction = "Testland"
    authority = "Testland Parliament"
    description = "A framework for tests."


class FrameworkVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkVersion

    framework = factory.SubFactory(RegulatoryFrameworkFactory)
    version = 1
    label = factory.LazyAttribute(lambda o: f"{o.framework.short_name} (first edition)")
    is_current = True
    applies_when = factory.LazyFunction(dict)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    framework_version = factory.SubFactory(FrameworkVersionFactory)
    key = factory.Sequence(lambda n: f"test-requirement-{n}")
    clause = factory.Sequence(lambda n: f"Art. {n}")
    title = "Purpose is documented"
    summary = "The model's purpose is written down."
    evidence = "The purpose field is filled."
    evidence_checks = factory.LazyFunction(lambda: ["model_purpose"])
    applies_when = factory.LazyFunction(dict)
    order = factory.Sequence(lambda n: n)


class ComplianceAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplianceAssessment

    model = factory.SubFactory(MLModelFactory)
    framework_version = factory.SubFactory(FrameworkVersionFactory)
    framework = factory.SelfAttribute("framework_version.framework")
    status = ComplianceOutcome.GAP
    applicable_count = 1
    met_count = 0
    gap_count = 1
    fingerprint = "f" * 64
    assessed_at = factory.LazyFunction(timezone.now)
    trigger = "Factory"


class RequirementResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementResult

    assessment = factory.SubFactory(ComplianceAssessmentFactory)
    requirement = factory.SubFactory(
        RequirementFactory, framework_version=factory.SelfAttribute("..assessment.framework_version"))
    outcome = ComplianceOutcome.GAP
    missing = factory.LazyFunction(lambda: [{"check": "model_purpose", "label": "Purpose described",
                                             "detail": "The model's purpose is not described.",
                                             "url": ""}])
