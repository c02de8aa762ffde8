"""The apps are layers, checked by import-linter (`[tool.importlinter]` in pyproject.toml).

`core` imports no app; `inventory` imports only `core`; `lineage` only those two; then
`monitoring`, `risk`, then `governance`. A lower app learns of a higher one through signals, promotion
gates and detail-page panels, never by importing it. The first test runs the contract on
the repository; the others prove it bites, on a copy of the apps with one import added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def lint_imports(cwd: Path, config_file: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(config_file)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_contract_names_every_app_package_in_order():
    (contract,) = config()["contracts"]
    assert contract["type"] == "layers"
    apps = [name for name in ("governance", "risk", "monitoring", "lineage", "inventory", "core")
            if (ROOT / name / "__init__.py").exists()]
    assert contract["layers"] == apps, "list every app package, highest first"
    assert sorted(config()["root_packages"]) == sorted(apps)
    assert "config" not in apps


def test_the_apps_keep_their_layers():
    result = lint_imports(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_config(path: Path) -> Path:
    """The repository's own contract, as a pyproject.toml of its own."""
    settings = config()
    lines = ["[tool.importlinter]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()
              if key != "contracts"]
    for contract in settings["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in contract.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def apps_copy(tmp_path_factory) -> Path:
    """The apps' Python files (not `config`, not the tests), copied once per module."""
    target = tmp_path_factory.mktemp("layers")
    for app in config()["root_packages"]:
        shutil.copytree(ROOT / app, target / app,
                        ignore=shutil.ignore_patterns("__pycache__", "templates", "static"))
    _write_config(target / "pyproject.toml")
    return target


@pytest.mark.parametrize(("module", "bad_import", "higher"), [
    ("core/__init__.py", "import inventory.models", "inventory"),
    ("core/api/__init__.py", "from lineage import models", "lineage"),
    ("inventory/__init__.py", "import lineage.models", "lineage"),
    ("inventory/__init__.py", "from governance import apps", "governance"),
])
def test_the_contract_fails_when_a_lower_app_imports_a_higher_one(apps_copy, module, bad_import,
                                                                 higher):
    path = apps_copy / module
    original = path.read_text()
    try:
        path.write_text(original + f"\n\ndef _breaks_the_layers():\n    {bad_import}\n")
        result = lint_imports(apps_copy, apps_copy / "pyproject.toml")
    finally:
        path.write_text(original)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout
    assert f"{module.split('/')[0]} is not allowed to import {higher}" in result.stdout, (
        result.stdout)


def test_the_copy_keeps_the_layers_without_the_added_import(apps_copy):
    """So the failures above come from the one import each adds, not from the copy."""
    result = lint_imports(apps_copy, apps_copy / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
