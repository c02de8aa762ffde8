"""Contract entries of the lifecycle, retention and webhook resources (appended to
`RESOURCES` in contract.py).

Evidence (deployments, metrics, purge records, notices, webhook deliveries) is read-only
in the API; configuration records are writable by the role that owns them.
"""

from __future__ import annotations

import itertools

from inventory.choices import ModelStage
from tests.api.contract import Resource
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory
from tests.factories.lifecycle import (
    DeploymentFactory,
    DeprecationNoticeFactory,
    DeprecationRuleFactory,
    DeprecationScheduleFactory,
    LegalHoldFactory,
    MetricObservationFactory,
    PurgeRecordFactory,
    RetentionPolicyFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)

__all__ = ["LIFECYCLE_RESOURCES"]

_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


LIFECYCLE_RESOURCES: list[Resource] = [
    # Evidence, written by pipelines (cicd/...) and jobs, never through these routes.
    Resource(name="deployments", route="inventory-api:deployment", factory=DeploymentFactory,
             read_only=True, max_list_queries=8),
    Resource(name="metrics", route="inventory-api:metricobservation",
             factory=MetricObservationFactory, read_only=True, max_list_queries=8),
    Resource(name="purge-records", route="inventory-api:purgerecord",
             factory=PurgeRecordFactory, read_only=True, max_list_queries=8),
    Resource(name="deprecation-notices", route="inventory-api:deprecationnotice",
             factory=DeprecationNoticeFactory, read_only=True, max_list_queries=8),
    Resource(name="webhook-deliveries", route="inventory-api:webhookdelivery",
             factory=WebhookDeliveryFactory, read_only=True, max_list_queries=9),
    # Configuration, through the services.
    Resource(
        name="retention-policies", route="inventory-api:retentionpolicy",
        factory=RetentionPolicyFactory, writer="compliance_officer",
        valid_payload=lambda user: {"name": f"Keep retired models {_n()}",
                                    "stage": ModelStage.RETIRED, "retain_days": 2557},
        update_payload=lambda obj, user: {"retain_days": 3650},
        invalid_payload=lambda user: {"name": "Negative", "retain_days": -1},
        invalid_field="retain_days", max_list_queries=8),
    Resource(
        name="legal-holds", route="inventory-api:legalhold", factory=LegalHoldFactory,
        writer="compliance_officer",
        valid_payload=lambda user: {"reference": f"CASE-{_n()}", "reason": "Litigation",
                                    "model": MLModelFactory().pk},
        update_payload=lambda obj, user: {"reason": "Litigation (amended)"},
        invalid_payload=lambda user: {"reference": "", "reason": "x"},
        invalid_field="reference", max_list_queries=9),
    Resource(
        name="deprecation-rules", route="inventory-api:deprecationrule",
        factory=DeprecationRuleFactory, writer="compliance_officer",
        valid_payload=lambda user: {"name": f"AUC floor {_n()}", "metric": "auc",
                                    "threshold": 0.7},
        update_payload=lambda obj, user: {"threshold": 0.65},
        invalid_payload=lambda user: {"name": "Broken", "metric": "auc",
                                      "threshold": "not-a-number"},
        invalid_field="threshold", max_list_queries=8),
    Resource(
        name="deprecation-schedules", route="inventory-api:deprecationschedule",
        factory=DeprecationScheduleFactory, writer="platform_admin",
        valid_payload=lambda user: {
            "model_version": ModelVersionFactory(stage=ModelStage.PRODUCTION).pk,
            "deprecate_on": "2027-06-30"},
        update_payload=lambda obj, user: {"deprecate_on": "2027-09-30"},
        invalid_payload=lambda user: {
            "model_version": ModelVersionFactory(stage=ModelStage.PRODUCTION).pk,
            "deprecate_on": "2027-06-30", "archive_on": "2027-01-01"},
        invalid_field="archive_on", max_list_queries=8),
    Resource(
        name="webhooks", route="inventory-api:webhook", factory=WebhookFactory,
        writer="platform_admin",
        valid_payload=lambda user: {"name": f"ci-events-{_n()}",
                                    "url": "https://hooks.example.org/custodia",
                                    "events": ["model_version.registered"]},
        update_payload=lambda obj, user: {"active": False},
        invalid_payload=lambda user: {"name": "bad-events", "url": "https://h.example.org",
                                      "events": ["model_version.exploded"]},
        invalid_field="events", max_list_queries=8),
]
