"""Production settings come from env values alone: `check --deploy` finds nothing to warn about."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.integration

# What the test runner's own environment sets to speak plain HTTP; production leaves them unset.
_TEST_ONLY = ("CUSTODIA_SSL_REDIRECT", "CUSTODIA_SECURE_COOKIES", "CUSTODIA_STATIC_FROM_FINDERS",
              "CUSTODIA_HSTS_SECONDS", "DJANGO_DEBUG", "SECRET_KEY")


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY}
    env.update({
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "custodia.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://custodia.example.org",
        **overrides,
    })
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_production_env_passes_check_deploy() -> None:
    result = _check_deploy(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_catches_plain_http_settings() -> None:
    """The same check fails when TLS is switched off, so the test above can fail."""
    result = _check_deploy(_production_env(CUSTODIA_SSL_REDIRECT="0", CUSTODIA_SECURE_COOKIES="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W012" in result.stderr + result.stdout


def test_missing_secret_key_refuses_to_start() -> None:
    env = _production_env()
    env.pop("SECRET_KEY")
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
