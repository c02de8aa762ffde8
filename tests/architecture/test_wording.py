"""Code, templates, tests, docs and the README speak of the domain, not of work packages.

A comment says "the retention subdomain" or "EU AI Act, Article 12", never a ticket number
or an acceptance checklist, and cites only files inside this repository. Scans the tracked
files (migrations, lock files and binary files aside) and names each file:line.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Assembled from parts so that this file does not match itself.
FORBIDDEN = re.compile("|".join([
    r"\bissues?\s+#?\d+",
    r"\bitems?\s+#?\d+",
    r"\bdone" + r"\s+when\b",
    r"(?-i:CONVENTIONS" + r"\.md)",  # the house-style notes kept outside the repository
    r"(?-i:DESIGN" + r"\.md)",
    r"\.\./" + r"shared\b",
]), re.IGNORECASE)
LOCK_FILES = {"package-lock.json", "poetry.lock", "uv.lock", "Pipfile.lock", "yarn.lock"}


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    files = []
    for name in filter(None, names):
        path = Path(name)
        if "migrations" in path.parts or path.name in LOCK_FILES or name == THIS:
            continue
        full = ROOT / path
        if not full.is_file():
            continue
        data = full.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary
        files.append(path)
    return files


def offending_lines() -> list[str]:
    found = []
    for path in tracked_text_files():
        try:
            text = (ROOT / path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = FORBIDDEN.search(line)
            if match:
                found.append(f"{path}:{number}: {match.group(0)!r}")
    return found


def test_the_scanner_catches_each_form():
    for sample in ("see issue 4", "Item 8 of the plan", "items 2 and 3", "Done when it ships",
                   "per CONVENTIONS" ".md", "DESIGN" ".md, Layout", "../" "shared/notes"):
        assert FORBIDDEN.search(sample), sample
    for sample in ("issue_api_token", "an issued token", "line items", "when done",
                   "docs/conventions.md"):
        assert not FORBIDDEN.search(sample), sample


def test_no_work_package_words_in_the_repository():
    found = offending_lines()
    assert not found, (
        "name the subdomain or the regulation instead of a work package, and cite only "
        "files in this repository:\n" + "\n".join(found))
