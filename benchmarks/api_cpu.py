"""Server CPU per API write and read, with the audit trail on.

Starts the production web server (gunicorn, one sync worker) on the configured database,
sends N model registrations (POST /api/v1/models/) and N reads (GET of one model, and of a
50-row list page) over HTTP, and divides the worker process's CPU time (user + system,
from /proc) by the number of requests. Client time is not counted, as for the reference
figure (MLflow's registry server: ~19 ms CPU per write, ~35 ms per read on this machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/custodia_bench \\
        .venv/bin/python benchmarks/api_cpu.py --requests 300

The database named in DATABASE_URL is dropped and recreated first when it is PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TARGET_WRITE_MS = 19 / 3
TARGET_READ_MS = 35 / 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="Writes (and reads) to send.")
    args = parser.parse_args()
    env = _environment()
    _prepare_database(env)
    token, team_id = _seed(env)
    with _gunicorn(env) as (base_url, worker_pid):
        client = _Client(base_url, token)
        client.get("/api/v1/models/")  # warm-up: imports, first connection, caches
        ids = [client.post("/api/v1/models/", _payload(team_id, i))["id"] for i in range(20)]

        write_ms = _cpu_per_request(worker_pid, args.requests, lambda i: client.post(
            "/api/v1/models/", _payload(team_id, 1000 + i)))
        detail_ms = _cpu_per_request(worker_pid, args.requests, lambda i: client.get(
            f"/api/v1/models/{ids[i % len(ids)]}/"))
        list_ms = _cpu_per_request(worker_pid, max(args.requests // 5, 20), lambda i: client.get(
            "/api/v1/models/?page_size=50"))

    print(json.dumps({
        "database": urlparse(env["DATABASE_URL"]).scheme,
        "requests": args.requests,
        "cpu_ms_per_write": round(write_ms, 2),
        "cpu_ms_per_read_detail": round(detail_ms, 2),
        "cpu_ms_per_read_list_50": round(list_ms, 2),
        "target_write_ms": round(TARGET_WRITE_MS, 2),
        "target_read_ms": round(TARGET_READ_MS, 2),
    }, indent=2))


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/custodia_bench")
    env.update({
        "DJANGO_DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1", "CUSTODIA_SSL_REDIRECT": "0",
        "CUSTODIA_SECURE_COOKIES": "0", "CUSTODIA_STATIC_FROM_FINDERS": "1",
        "CUSTODIA_LOG_LEVEL": "WARNING", "CUSTODIA_VAR_DIR": str(ROOT / "var" / "bench"),
    })
    return env


def _prepare_database(env: dict[str, str]) -> None:
    url = urlparse(env["DATABASE_URL"])
    if url.scheme.startswith("postgres"):
        name = url.path.lstrip("/")
        admin = f"postgresql://{url.username or 'postgres'}@{url.hostname}:{url.port or 5432}/postgres"
        for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", admin, "-qc", sql], check=True)
    _manage(env, "migrate", "--noinput", "-v", "0")


def _seed(env: dict[str, str]) -> tuple[str, int]:
    """A model owner with a token and a team; returns (token, team id)."""
    script = (
        "from django.contrib.auth.models import Group, User\n"
        "from rest_framework.authtoken.models import Token\n"
        "from inventory.models import Team\n"
        "from core.audit import audit_context\n"
        "with audit_context(label='benchmark', reason='benchmark set-up'):\n"
        "    user, _ = User.objects.get_or_create(username='bench')\n"
        "    user.groups.add(Group.objects.get(name='Model owner'))\n"
        "    team, _ = Team.objects.get_or_create(slug='bench', defaults={'name': 'Bench',"
        " 'business_unit': 'Benchmarks'})\n"
        "    team.members.add(user)\n"
        "print(Token.objects.get_or_create(user=user)[0].key, team.pk)\n"
    )
    out = _manage(env, "shell", "-c", script, capture=True)
    token, team_id = out.split()[-2:]
    return token, int(team_id)


def _payload(team_id: int, index: int) -> dict:
    return {
        "name": f"bench-scoring-model{index}",
        "purpose": "Scores applications in the benchmark.",
        "owner": "bench", "team": team_id, "domain": "bench",
        "training_date": "2026-01-15",
        "input_schema": {"type": "object", "properties": {"income": {"type": "number"}}},
        "evaluation_metrics": {"auc": 0.81},
        "training_environment": "python 3.11, xgboost 2.1",
        "inference_requirements": "1 vCPU, 512 MiB",
        "tags": ["bench"],
        "change_reason": "benchmark",
    }


def _cpu_per_request(pid: int, count: int, send) -> float:
    before = _cpu_seconds(pid)
    for i in range(count):
        send(i)
    return (_cpu_seconds(pid) - before) * 1000 / count


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _gunicorn(env: dict[str, str]):
    port = _free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--log-level", "warning"], cwd=ROOT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base_url + "/login/")
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        yield base_url, int(children[0])
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


class _Client:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                        "Accept": "application/json"}

    def _send(self, request: urllib.request.Request) -> dict:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def get(self, path: str) -> dict:
        return self._send(urllib.request.Request(self.base_url + path, headers=self.headers))

    def post(self, path: str, body: dict) -> dict:
        data = json.dumps(body).encode()
        return self._send(urllib.request.Request(self.base_url + path, data=data,
                                                 headers=self.headers, method="POST"))


def _manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                            capture_output=capture, text=True)
    return result.stdout if capture else ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


if __name__ == "__main__":
    main()
