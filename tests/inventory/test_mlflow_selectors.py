"""MLflow's search grammar over the inventory: filter strings, ordering and page tokens,
including the strings it must refuse."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inventory.models import MLModel, ModelVersion
from inventory.selectors.mlflow import (
    Clause,
    decode_page_token,
    encode_page_token,
    filter_model_versions,
    filter_registered_models,
    order_model_versions,
    order_registered_models,
    parse_filter,
)
from tests.factories.catalogue import MLModelFactory, ModelVersionFactory, TeamFactory


def test_parse_filter_reads_clauses_quotes_backticks_and_lists():
    assert parse_filter(None) == [] and parse_filter("  ") == []
    assert parse_filter("name = 'credit-x' AND tags.`mlflow.prompt.is_prompt` != 'true'") == [
        Clause("name", "=", "credit-x"), Clause("tags.mlflow.prompt.is_prompt", "!=", "true")]
    assert parse_filter("tag.owner ILIKE \"%ann%\" and run_id IN ('a', 'b''c')") == [
        Clause("tags.owner", "ILIKE", "%ann%"), Clause("run_id", "IN", ["a", "b'c"])]
    assert parse_filter("version_number >= 2 AND attributes.name LIKE 'x%'") == [
        Clause("version_number", ">=", "2"), Clause("name", "LIKE", "x%")]


@pytest.mark.parametrize("text", [
    "name", "name = ", "name == 'x'", "name = 'x' OR name = 'y'", "name = 'x' name = 'y'",
    "run_id IN 'a'", "run_id = ('a')", "name = 'unterminated", "run_id IN ()",
])
def test_parse_filter_refuses_what_it_cannot_read(text):
    with pytest.raises(ValidationError):
        parse_filter(text)


@pytest.mark.django_db
def test_registered_models_filter_by_name_and_tags():
    team = TeamFactory(slug="fraud")
    MLModelFactory(name="credit-default-xgb", labels={"framework": "xgboost"})
    MLModelFactory(name="Credit-limit-lgbm", labels={"framework": "lightgbm", "owner": "ann"})
    MLModelFactory(name="fraud-alert-xgb", labels={}, team=team)

    def names(text: str) -> list[str]:
        return sorted(filter_registered_models(MLModel.objects.all(), text)
                      .values_list("name", flat=True))

    assert names("name = 'credit-default-xgb'") == ["credit-default-xgb"]
    assert names("name LIKE 'credit-%'") == ["credit-default-xgb"]
    assert names("name ILIKE 'credit-%'") == ["Credit-limit-lgbm", "credit-default-xgb"]
    assert names("name != 'credit-default-xgb'") == ["Credit-limit-lgbm", "fraud-alert-xgb"]
    assert names("tags.framework = 'xgboost'") == ["credit-default-xgb"]
    assert names("tags.framework != 'xgboost'") == ["Credit-limit-lgbm", "fraud-alert-xgb"]
    assert names("tags.framework LIKE '%gbm'") == ["Credit-limit-lgbm"]
    assert names("tags.framework ILIKE 'XG%' AND name LIKE '%xgb'") == ["credit-default-xgb"]
    assert names("tags.`custodia.team` = 'fraud'") == ["fraud-alert-xgb"]
    assert names("name LIKE 'credit_default%'") == ["credit-default-xgb"]  # _ is one character
    for refused in ("run_id = 'x'", "tags.`custodia.purpose` = 'x'", "name < 'b'"):
        with pytest.raises(ValidationError):
            names(refused)


@pytest.mark.django_db
def test_model_versions_filter_by_number_run_source_and_tags():
    model = MLModelFactory(name="credit-default-xgb")
    for number, run in ((1, "r1"), (2, "r2"), (3, "")):
        ModelVersionFactory(model=model, run_id=run, labels={"ci": "passed"} if number > 1
                            else {}, artifact_uri=f"s3://models/credit/{number}")
    ModelVersionFactory(model=MLModelFactory(name="fraud-alert-xgb"), run_id="r1")

    def found(text: str) -> list[tuple[str, int]]:
        return sorted(filter_model_versions(ModelVersion.objects.all(), text)
                      .values_list("model__name", "version"))

    assert found("name = 'credit-default-xgb' AND version_number > 1") == [
        ("credit-default-xgb", 2), ("credit-default-xgb", 3)]
    assert found("run_id IN ('r1', 'r2') AND name = 'credit-default-xgb'") == [
        ("credit-default-xgb", 1), ("credit-default-xgb", 2)]
    assert found("source_path LIKE '%/3'") == [("credit-default-xgb", 3)]
    assert found("tags.ci = 'passed' AND version_number != 3") == [("credit-default-xgb", 2)]
    assert found("tags.`custodia.stage` = 'registered' AND run_id = 'r1'") == [
        ("credit-default-xgb", 1), ("fraud-alert-xgb", 1)]
    for refused in ("version_number > 'two'", "version_number LIKE '1'", "purpose = 'x'"):
        with pytest.raises(ValidationError):
            found(refused)


@pytest.mark.django_db
def test_order_by_and_its_refusals():
    MLModelFactory(name="b-model-x")
    MLModelFactory(name="a-model-x")
    queryset = order_registered_models(MLModel.objects.all(), ["name DESC"])
    assert list(queryset.values_list("name", flat=True)) == ["b-model-x", "a-model-x"]
    assert list(order_registered_models(MLModel.objects.all(), []).values_list(
        "name", flat=True)) == ["a-model-x", "b-model-x"]
    for refused in (["size DESC"], ["name SIDEWAYS"], [""]):
        with pytest.raises(ValidationError):
            order_registered_models(MLModel.objects.all(), refused)
    with pytest.raises(ValidationError):
        order_model_versions(ModelVersion.objects.all(), ["purpose ASC"])


def test_page_tokens_round_trip_and_refuse_forgeries():
    assert decode_page_token(encode_page_token(40)) == 40
    assert decode_page_token(None) == 0 and decode_page_token("") == 0
    for forged in ("garbage", encode_page_token(-1), "eyJvZmZzZXQiOiAiMiJ9", "e30="):
        with pytest.raises(ValidationError):
            decode_page_token(forged)
