"""Meta-tests: every `/api/v1/` resource is under the contract suite, with no exemption."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.api.contract import RESOURCES


def _list_routes(patterns, prefix: str = "", namespace: str = ""):
    """(path, "namespace:basename") of every DRF list route below `patterns`."""
    for pattern in patterns:
        path = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace)
            yield from _list_routes(pattern.url_patterns, path, inner)
        elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith("-list"):
            yield path, f"{namespace}:{pattern.name.removesuffix('-list')}"


def api_routes() -> dict[str, str]:
    return {name: path for path, name in _list_routes(get_resolver().url_patterns)
            if path.startswith("api/v1/")}


def test_route_walker_finds_the_evidence_endpoints():
    routes = api_routes()
    assert "job-runs" in routes["core-api:jobrun"]
    assert "core-api:accessevent" in routes


def test_every_api_resource_is_in_the_contract_registry():
    registered = {resource.route for resource in RESOURCES}
    missing = sorted(set(api_routes()) - registered)
    assert not missing, (
        "API resources without a contract entry (add a Resource to tests/api/contract.py, "
        f"see its docstring): {missing}")


def test_registry_entries_point_at_real_routes():
    routes = api_routes()
    unknown = [resource.route for resource in RESOURCES if resource.route not in routes]
    assert not unknown, f"contract entries for routes that do not exist: {unknown}"


def test_registry_names_are_unique():
    names = [resource.name for resource in RESOURCES]
    assert len(names) == len(set(names))
