"""Gap-free numbering under load: 50 concurrent registrations against one model on PostgreSQL give 50
distinct, gap-free version numbers. Real threads, each with its own database connection,
released together by a barrier so they really race for the model row's lock."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection

from inventory.models import ModelVersion
from inventory.services import versions
from tests.factories.catalogue import MLModelFactory
from tests.services import has_postgresql, require

CLIENTS = 50


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_registrations_get_fifty_gap_free_numbers(platform_admin):
    require("postgresql", has_postgresql())
    model = MLModelFactory(versioning_strategy="monolithic")  # the bundle is all it pins
    barrier = threading.Barrier(CLIENTS, timeout=60)

    def register(index: int) -> int:
        try:
            barrier.wait()
            version = versions.model_version_register(
                model=model, actor=platform_admin, reason=f"pipeline run {index}",
                data={"artifact_uri": f"s3://models/run-{index}", "artifact_sha256": "a" * 64,
                      "evaluation_metrics": {"auc": 0.8}, "training_environment": "py3.11",
                      "inference_requirements": "1 vCPU", "input_schema": {"type": "object"},
                      "output_schema": {"type": "object"}, "training_date": date(2026, 1, 1)})
            return version.version
        finally:
            connection.close()  # each thread's own connection

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        numbers = list(pool.map(register, range(CLIENTS)))

    assert sorted(numbers) == list(range(1, CLIENTS + 1))
    stored = sorted(ModelVersion.objects.filter(model=model).values_list("version", flat=True))
    assert stored == list(range(1, CLIENTS + 1))
    # Every run's artefact got exactly one number.
    assert ModelVersion.objects.filter(model=model).values("artifact_uri").distinct().count() \
        == CLIENTS
