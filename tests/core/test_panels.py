"""Detail-page panels: a higher app shows what it knows on a lower app's page."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.template import Context, Template
from django.test import RequestFactory

from core.models import JobRun
from core.panels import Panel, panels_for, register_panel, registered_panels
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_registry():
    from core import panels

    saved = {label: dict(found) for label, found in panels._panels.items()}
    panels._panels.pop("core.jobrun", None)
    yield
    panels._panels.clear()
    panels._panels.update(saved)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_panels_render_in_order_and_skip_records_they_know_nothing_about(clean_registry):
    register_panel("core.jobrun", Panel(key="second", title="Second", template="core/_jobrun_progress.html",
                                        context=lambda request, obj: {}, order=20))
    register_panel("core.jobrun", Panel(key="first", title="First", template="core/_jobrun_progress.html",
                                        context=lambda request, obj: {}, order=10))
    register_panel("core.jobrun", Panel(key="silent", title="Silent", template="core/_jobrun_progress.html",
                                        context=lambda request, obj: None))
    run = JobRun.objects.create(name="x")

    rendered = panels_for(_request(UserFactory()), run)

    assert [panel.key for panel in rendered] == ["first", "second"]
    assert [panel.key for panel in registered_panels(JobRun)] == ["first", "second", "silent"]


def test_a_panel_needing_a_permission_is_hidden_from_those_without_it(clean_registry):
    register_panel("core.jobrun", Panel(key="secret", title="Secret", template="core/_jobrun_progress.html",
                                        context=lambda request, obj: {}, permission="core.view_jobrun"))
    run = JobRun.objects.create(name="x")
    reader = UserFactory()
    reader.user_permissions.add(Permission.objects.get(codename="view_jobrun"))

    assert panels_for(_request(AnonymousUser()), run) == []
    assert [p.key for p in panels_for(_request(reader), run)] == ["secret"]


def test_registering_a_key_again_replaces_the_panel(clean_registry):
    for title in ("Old", "New"):
        register_panel("core.jobrun", Panel(key="same", title=title, template="core/_jobrun_progress.html",
                                            context=lambda request, obj: {}))
    assert [panel.title for panel in registered_panels(JobRun)] == ["New"]


def test_the_template_tag_renders_each_panel_with_its_title(clean_registry):
    register_panel("core.jobrun", Panel(key="runs", title="Runs of this job",
                                        template="core/_jobrun_progress.html",
                                        context=lambda request, obj: {}))
    run = JobRun.objects.create(name="x")

    html = Template("{% load panels %}{% detail_panels obj %}").render(
        Context({"obj": run, "request": _request(UserFactory())}))

    assert 'data-testid="panel-runs"' in html and "Runs of this job" in html
