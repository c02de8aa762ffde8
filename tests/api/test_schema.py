"""OpenAPI at /api/schema/ is valid OpenAPI 3; /api/docs/ is served entirely from this host."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


class _AssetCollector(HTMLParser):
    """Collects every `script src` and `link href` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.assets.append(attributes["src"])
            else:
                self.inline_scripts += 1
        elif tag == "link" and attributes.get("href"):
            self.assets.append(attributes["href"])


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)  # raises OpenAPIValidationError with the offending path


def test_schema_lists_the_evidence_endpoints_with_token_auth(schema):
    assert {"/api/v1/job-runs/", "/api/v1/job-runs/{id}/", "/api/v1/access-events/",
            "/api/v1/access-events/{id}/"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/job-runs/"]["get"]["parameters"]}
    assert {"page", "page_size", "status", "created_after", "ordering"} <= parameters
    assert any(scheme.get("type") == "apiKey" or scheme.get("scheme") == "bearer"
               for scheme in schema["components"]["securitySchemes"].values())


def test_schema_yaml_is_served_too(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_docs_page_uses_only_local_assets_that_exist(client, auditor):
    client.force_login(auditor)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = _AssetCollector()
    page.feed(response.content.decode())

    assert page.assets, "the docs page should load Swagger UI's scripts and styles"
    # The CSP allows no inline script: Swagger UI must start from a served file.
    assert page.inline_scripts == 0
    for asset in page.assets:
        parts = urlsplit(asset)
        assert not parts.scheme and not parts.netloc, f"{asset} is not served by this host"
        asset_response = client.get(urljoin("/api/docs/", asset))
        assert asset_response.status_code == 200, asset
        body = b"".join(asset_response) if asset_response.streaming else asset_response.content
        assert body, asset


def test_docs_init_script_points_at_local_schema(client):
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
    assert b"/api/schema/" in script.content
