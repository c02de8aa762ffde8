"""Cost allocation adds up to the cent: direct costs through each model's team to its
business unit, shared costs split by request volume with the largest-remainder method.
A CSV bill is stored whole or not at all, each bad row named."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory.choices import MetricKind, ModelStage
from monitoring.choices import CostScope
from monitoring.models import CostRecord
from monitoring.selectors.costs import (
    UNALLOCATED,
    UNASSIGNED,
    cost_allocation,
    largest_remainder_split,
)
from monitoring.services.costs import cost_records_import
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory
from tests.factories.fleet import CostRecordFactory
from tests.factories.lifecycle import DeploymentFactory, MetricObservationFactory

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)
HEADER = "month,scope,model,deployment,category,amount,project,description,reference\n"


def test_largest_remainder_split_always_adds_up_to_the_cent():
    assert largest_remainder_split(Decimal("100.00"), {1: 1, 2: 1, 3: 1}) == {
        1: Decimal("33.34"), 2: Decimal("33.33"), 3: Decimal("33.33")}
    chance = random.Random(2026)
    for _ in range(500):
        amount = Decimal(chance.randint(1, 10_000_000)) / 100
        weights = {key: chance.choice([chance.random() * 1e6, chance.randint(1, 50), 1e-3])
                   for key in range(1, chance.randint(2, 40))}
        parts = largest_remainder_split(amount, weights)
        assert sum(parts.values()) == amount
        assert all(part >= 0 and part == part.quantize(Decimal("0.01")) for part in parts.values())


def _usage(model, requests: float, day: int = 10) -> None:
    version = ModelVersionFactory(model=model, stage=ModelStage.PRODUCTION)
    MetricObservationFactory(model_version=version, kind=MetricKind.USAGE, name="requests",
                             value=requests, observed_at=datetime(2026, 3, day, tzinfo=UTC))


def test_the_report_adds_up_to_the_ingested_total_including_shared_costs():
    retail = TeamFactory(name="Credit risk", business_unit="Retail banking")
    payments = TeamFactory(name="Fraud", business_unit="Payments")
    credit = MLModelFactory(name="credit-default-xgb", team=retail)
    fraud = MLModelFactory(name="fraud-card-gbm", team=payments)
    orphan = MLModelFactory(name="churn-basic-lr", team=None)
    _usage(credit, 1000)
    _usage(fraud, 2000)
    _usage(orphan, 0)  # no usage: no share of shared costs
    MetricObservationFactory(model_version=ModelVersionFactory(model=orphan), kind=MetricKind.USAGE,
                             name="requests", value=5e6,
                             observed_at=datetime(2026, 4, 1, tzinfo=UTC))  # next month
    CostRecordFactory(model=credit, amount=Decimal("1250.40"))
    CostRecordFactory(model=orphan, amount=Decimal("10.00"), project="")
    deployment = DeploymentFactory(model_version=ModelVersionFactory(model=fraud,
                                                                     stage=ModelStage.PRODUCTION))
    CostRecordFactory(scope=CostScope.DEPLOYMENT, model=fraud, deployment=deployment,
                      amount=Decimal("300.05"))
    CostRecordFactory(scope=CostScope.SHARED, model=None, amount=Decimal("100.00"),
                      category="network", project="")
    CostRecordFactory(month=date(2026, 2, 1), model=credit, amount=Decimal("999.99"))

    report = cost_allocation(MARCH)

    assert report.recorded_total == Decimal("1660.45")
    assert report.allocated_total == report.recorded_total
    units = {unit.business_unit: unit for unit in report.business_units}
    assert set(units) == {"Retail banking", "Payments", UNASSIGNED}
    assert (units["Retail banking"].direct, units["Retail banking"].shared) == (
        Decimal("1250.40"), Decimal("33.33"))
    assert (units["Payments"].direct, units["Payments"].shared) == (
        Decimal("300.05"), Decimal("66.67"))
    assert units[UNASSIGNED].total == Decimal("10.00")
    assert sum(line.total for line in report.lines) == Decimal("1660.45")


def test_shared_cost_in_a_month_without_usage_stays_unallocated_but_counted():
    CostRecordFactory(model=MLModelFactory(team=TeamFactory(business_unit="Retail banking")),
                      amount=Decimal("5.00"))
    CostRecordFactory(scope=CostScope.SHARED, model=None, amount=Decimal("77.77"))
    report = cost_allocation(MARCH)
    units = {unit.business_unit: unit.total for unit in report.business_units}
    assert units == {"Retail banking": Decimal("5.00"), UNALLOCATED: Decimal("77.77")}
    assert report.allocated_total == Decimal("82.77")


def test_many_shared_costs_split_between_many_models_add_up_exactly():
    chance = random.Random(7)
    team = TeamFactory(business_unit="Retail banking")
    models = [MLModelFactory(team=team) for _ in range(7)]
    for model in models:
        _usage(model, chance.randint(1, 10_000) / 7)
    total = Decimal("0.00")
    for _ in range(25):
        amount = Decimal(chance.randint(1, 1_000_000)) / 100
        CostRecordFactory(scope=CostScope.SHARED, model=None, amount=amount)
        total += amount
    report = cost_allocation(MARCH)
    assert report.allocated_total == total == report.recorded_total


def test_a_csv_bill_is_stored_whole(platform_admin):
    model = MLModelFactory(name="credit-default-xgb")
    deployment = DeploymentFactory(model_version=ModelVersionFactory(
        model=model, stage=ModelStage.PRODUCTION))
    text = HEADER + (
        "2026-03,model,Credit-Default-XGB,,compute,1250.40,P-1042,GPU training,bill-1\n"
        f"2026-03,deployment,,{deployment.pk},compute,310.00,P-1042,Serving,bill-2\n"
        "2026-03,shared,,,network,900.00,,Load balancers,bill-3\n")

    records = cost_records_import(actor=platform_admin, reason="March bill", text=text,
                                  filename="march.csv")

    assert len(records) == 3
    assert sum(r.amount for r in CostRecord.objects.all()) == Decimal("2460.40")
    assert CostRecord.objects.get(reference="bill-2").model == model
    record = CostRecord.objects.get(reference="bill-1")
    assert record.source == "upload: march.csv"
    history = record.history.get()
    assert (history.history_user, history.history_change_reason) == (platform_admin,
                                                                     "March bill")


@pytest.mark.parametrize(("row", "expected"), [
    ("2026-13,model,credit-default-xgb,,compute,1.00,,,", "row 2: month:"),
    ("2026-03,model,credit-default-xgb,,compute,12.345,,,", "row 2: amount: “12.345”: at most two"),
    ("2026-03,model,credit-default-xgb,,compute,-3.00,,,", "row 2: amount:"),
    ("2026-03,model,credit-default-xgb,,compute,1 250.00,,,", "row 2: amount:"),
    ("2026-03,model,no-such-model,,compute,1.00,,,", "row 2: model: No model named"),
    ("2026-03,shared,credit-default-xgb,,compute,1.00,,,", "row 2: scope:"),
    ("2026-03,galaxy,,,compute,1.00,,,", "row 2: scope:"),
    ("2026-03,model,credit-default-xgb,,food,1.00,,,", "row 2: category:"),
    ("2026-03,model,credit-default-xgb,,compute,1.00,,,bill-1", "row 2: reference: also on row 1"),
])
def test_a_bill_with_one_bad_row_stores_nothing_and_names_it(platform_admin, row, expected):
    MLModelFactory(name="credit-default-xgb")
    text = HEADER + "2026-03,model,credit-default-xgb,,compute,1.00,,,bill-1\n" + row + "\n"
    with pytest.raises(ValidationError) as refused:
        cost_records_import(actor=platform_admin, reason="bill", text=text)
    messages = refused.value.message_dict["rows"]
    assert any(message.startswith(expected) for message in messages), messages
    assert not CostRecord.objects.exists()


def test_a_bill_uploaded_twice_is_refused_the_second_time(platform_admin):
    MLModelFactory(name="credit-default-xgb")
    text = HEADER + "2026-03,model,credit-default-xgb,,compute,1.00,,,bill-1\n"
    cost_records_import(actor=platform_admin, reason="bill", text=text)
    with pytest.raises(ValidationError) as refused:
        cost_records_import(actor=platform_admin, reason="bill", text=text)
    assert refused.value.message_dict["rows"] == ["row 1: reference: “bill-1” is already recorded."]
    assert CostRecord.objects.count() == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("", "Missing columns"),
    ("month,scope,amount,colour\n2026-03,shared,1.00,red\n", "Unknown columns: colour."),
    (HEADER, "The file has no rows."),
])
def test_a_bad_file_is_named_on_the_file(platform_admin, text, expected):
    with pytest.raises(ValidationError) as refused:
        cost_records_import(actor=platform_admin, reason="bill", text=text)
    assert any(expected in m for m in refused.value.message_dict["file"])


def test_a_model_the_uploader_may_not_see_is_unknown(data_scientist):
    MLModelFactory(name="secret-model-x", confidential=True, team=TeamFactory())
    with pytest.raises(ValidationError) as refused:
        cost_records_import(actor=data_scientist, reason="bill",
                            text=HEADER + "2026-03,model,secret-model-x,,compute,1.00,,,\n")
    assert "No model named" in refused.value.message_dict["rows"][0]
