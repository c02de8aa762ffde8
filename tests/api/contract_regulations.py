"""Contract entries of regulatory frameworks, requirements and compliance statuses."""

from __future__ import annotations

from tests.api.contract import Resource
from tests.factories.regulations import (
    ComplianceAssessmentFactory,
    FrameworkVersionFactory,
    RegulatoryFrameworkFactory,
    RequirementFactory,
)


def _framework_payload(code: str = "model-governance-act") -> dict:
    return {"code": code, "name": "Model Governance Act", "short_name": "MGA",
            "jurisdiction": "Testland"}


def _requirement_payload() -> dict:
    return {"framework_version": FrameworkVersionFactory().pk, "key": "art-7",
            "clause": "Art. 7", "title": "Human oversight", "summary": "A person can stop it.",
            "evidence": "How a person reviews it is described.",
            "evidence_checks": ["human_oversight"],
            "applies_when": {"fact": "automated_decisions", "is": True}}


REGULATIONS_RESOURCES: list[Resource] = [
    # Kept by compliance officers; creating one also starts its first version.
    Resource(name="frameworks", route="governance-api:regulatoryframework",
             factory=RegulatoryFrameworkFactory, writer="compliance_officer",
             valid_payload=lambda user: _framework_payload(),
             update_payload=lambda obj, user: {"description": "Updated summary"},
             invalid_payload=lambda user: _framework_payload(code="Not a slug!"),
             invalid_field="code", max_list_queries=8),
    # Creating one starts the framework's next version; deleting one in use is a 409.
    Resource(name="framework-versions", route="governance-api:frameworkversion",
             factory=FrameworkVersionFactory, writer="compliance_officer",
             valid_payload=lambda user: {"framework": RegulatoryFrameworkFactory().code,
                                         "label": "Amended text", "notes": "2027 amendment"},
             update_payload=lambda obj, user: {"label": "Amended text, consolidated"},
             invalid_payload=lambda user: {"framework": RegulatoryFrameworkFactory().code,
                                           "label": "Amended",
                                           "applies_when": {"fact": "colour", "in": ["red"]}},
             invalid_field="applies_when", max_list_queries=8),
    # Changed in place until an assessment cites them, then as new revisions.
    Resource(name="requirements", route="governance-api:requirement",
             factory=RequirementFactory, writer="compliance_officer",
             valid_payload=lambda user: _requirement_payload(),
             update_payload=lambda obj, user: {"summary": "A person can review and stop it."},
             invalid_payload=lambda user: {**_requirement_payload(),
                                           "evidence_checks": ["no_such_check"]},
             invalid_field="evidence_checks", max_list_queries=8),
    # Computed by the recompute (signals and the scheduled job), never written by hand.
    Resource(name="compliance-status", route="governance-api:compliancestatus",
             factory=ComplianceAssessmentFactory, read_only=True, max_list_queries=8),
]
