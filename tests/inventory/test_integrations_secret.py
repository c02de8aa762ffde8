"""A webhook's signing secret is shown once, on creation (the API's create answer, the
admin's confirmation message), and never again: not in API reads, not in the admin's
change form, not in the history."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from inventory.models import Webhook
from inventory.services.integrations import webhook_create, webhook_update

pytestmark = pytest.mark.django_db
SECRET = "a-long-enough-signing-secret-0042"


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_api_shows_the_secret_in_the_create_answer_only(api_client_for, platform_admin):
    client = api_client_for(platform_admin)
    created = client.post(reverse("inventory-api:webhook-list"), {
        "name": "ci-hook", "url": "https://hooks.example.org/in",
        "events": ["model_version.registered"],
        "change_reason": "CI notifications"}, format="json")
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret and secret == Webhook.objects.get().secret
    detail = reverse("inventory-api:webhook-detail", args=[created.json()["id"]])
    for response in (client.get(detail), client.get(reverse("inventory-api:webhook-list"))):
        assert response.status_code == 200
        assert secret not in response.content.decode()
        assert "secret" not in str(response.json())
    updated = client.patch(detail, {"active": False, "change_reason": "Paused"}, format="json")
    assert updated.status_code == 200 and secret not in updated.content.decode()


def test_api_refuses_a_user_who_may_not_manage_webhooks(api_client_for, data_scientist):
    response = api_client_for(data_scientist).post(reverse("inventory-api:webhook-list"), {
        "name": "x-hook", "url": "https://hooks.example.org/in"}, format="json")
    assert response.status_code == 403
    assert not Webhook.objects.exists()


def test_history_never_keeps_the_secret(platform_admin):
    webhook = webhook_create(actor=platform_admin, reason="New", data={
        "name": "ci-hook", "url": "https://hooks.example.org/in", "secret": SECRET,
        "events": ["model_version.registered"]})
    webhook_update(webhook=webhook, actor=platform_admin, reason="Rotated",
                   data={"secret": SECRET + "-2"})
    rows = list(webhook.history.all())
    assert len(rows) == 2
    assert all(not hasattr(row, "secret") for row in rows)
    assert "secret" not in {f.name for f in Webhook.history.model._meta.fields}
    assert Webhook.objects.get().secret == SECRET + "-2"


def test_admin_shows_a_generated_secret_once_then_only_a_rotate_field(client, platform_admin):
    client.force_login(_staff(platform_admin))
    response = client.post(reverse("admin:inventory_webhook_add"), {
        "name": "ci-hook", "url": "https://hooks.example.org/in", "secret": "",
        "events": '["model_version.registered"]', "active": "on", "max_attempts": 5,
        "change_reason": "New"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    webhook = Webhook.objects.get()
    assert len(webhook.secret) >= 16
    assert any(webhook.secret in str(m) for m in get_messages(response.wsgi_request))
    confirmation = client.get(response.url)  # the one page that shows it
    assert webhook.secret in confirmation.content.decode()
    change = client.get(reverse("admin:inventory_webhook_change", args=[webhook.pk]))
    assert change.status_code == 200
    assert webhook.secret not in change.content.decode()
    assert "rotate" in change.content.decode()
    history = client.get(reverse("admin:inventory_webhook_history", args=[webhook.pk]))
    assert history.status_code == 200 and webhook.secret not in history.content.decode()
    row = webhook.history.first()
    old = client.get(reverse("admin:inventory_webhook_simple_history",
                             args=[webhook.pk, row.history_id]))
    assert old.status_code == 200 and webhook.secret not in old.content.decode()


def test_admin_rotates_the_secret_with_the_write_only_field(client, platform_admin):
    webhook = webhook_create(actor=platform_admin, reason="New", data={
        "name": "ci-hook", "url": "https://hooks.example.org/in", "secret": SECRET,
        "events": ["model_version.registered"]})
    client.force_login(_staff(platform_admin))
    response = client.post(reverse("admin:inventory_webhook_change", args=[webhook.pk]), {
        "name": "ci-hook", "url": "https://hooks.example.org/in", "secret": SECRET + "-new",
        "events": '["model_version.registered"]', "active": "on", "max_attempts": 5,
        "change_reason": "Rotated"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Webhook.objects.get().secret == SECRET + "-new"


def test_admin_refuses_a_user_who_may_not_manage_webhooks(client, data_scientist):
    client.force_login(_staff(data_scientist))
    response = client.get(reverse("admin:inventory_webhook_add"))
    assert response.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_scrub_migration_blanks_secrets_in_existing_history_rows():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [("inventory", "0014_modelversion_environment_digest")]
    after = [("inventory", "0015_historicalwebhook_secret_scrubbed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("inventory",
                                                                  "HistoricalWebhook")
        now = timezone.now()
        old.objects.create(id=1, name="ci-hook", url="https://hooks.example.org/in",
                           secret=SECRET, events=[], active=True, max_attempts=5,
                           created_at=now, updated_at=now, history_date=now,
                           history_type="+", history_actor="")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        scrubbed = executor.loader.project_state(after).apps.get_model("inventory",
                                                                       "HistoricalWebhook")
        assert list(scrubbed.objects.values_list("secret", flat=True)) == [""]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
