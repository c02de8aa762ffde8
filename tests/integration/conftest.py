"""Real components for the integration tests: Celery brokers, an in-thread worker, a private Redis.

Nothing here is mocked. Each test gets its own broker queue (a temporary folder, or a queue name
no other test run uses), so test runs sharing this machine's Redis never take each other's work.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.db import connections
from kombu import pools

from config.celery import app as celery_app
from tests.services import has_redis, redis_server_binary, require

# Broker settings a test may point elsewhere; restored after each test.
_BROKER_KEYS = ("broker_url", "broker_transport_options", "task_default_queue",
                "broker_connection_timeout", "broker_connection_retry_on_startup")


def _reset_connections() -> None:
    """Drop Celery's pooled broker connections and routing, so new settings take effect."""
    # kombu keeps pools in a registry keyed by URL: a closed pool left there would be handed
    # back to the next test using the same URL.
    pools.reset()
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@contextmanager
def celery_broker(url: str, transport_options: dict) -> Iterator[str]:
    """Point the project's Celery app at `url`, on a queue of its own; yields the queue name."""
    saved = {key: celery_app.conf[key] for key in _BROKER_KEYS}
    queue = f"custodia-test-{uuid.uuid4().hex[:12]}"
    celery_app.conf.update(broker_url=url, broker_transport_options=transport_options,
                           task_default_queue=queue)
    _reset_connections()
    try:
        yield queue
    finally:
        celery_app.conf.update(saved)
        _reset_connections()


def filesystem_transport_options(folder: Path) -> dict:
    for name in ("queue", "processed"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return {"data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"), "store_processed": False,
            "polling_interval": 0.1}


def redis_transport_options() -> dict:
    """The production Redis transport options (even when this run has no REDIS_URL)."""
    return {**settings.CUSTODIA_REDIS_TRANSPORT_OPTIONS, "polling_interval": 0.1}


@pytest.fixture
def filesystem_broker(tmp_path: Path) -> Iterator[str]:
    """The embedded broker (kombu's filesystem transport) in a folder of this test's own."""
    with celery_broker("filesystem://", filesystem_transport_options(tmp_path / "broker")) as queue:
        yield queue


@pytest.fixture
def redis_broker() -> Iterator[str]:
    """This machine's Redis (REDIS_URL), on a queue no other test run uses."""
    require("redis", has_redis())
    with celery_broker(settings.REDIS_URL, redis_transport_options()) as queue:
        yield queue
        _drop_redis_queue(settings.REDIS_URL, queue)


def _drop_redis_queue(url: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        # The queue, and kombu's routing keys for it (the exchange is named after the queue).
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    except redis.RedisError:
        pass
    finally:
        client.close()


@pytest.fixture(params=["filesystem", "redis"])
def any_broker(request: pytest.FixtureRequest) -> str:
    """Each test using it runs on the embedded broker and again on Redis."""
    return request.getfixturevalue(f"{request.param}_broker")


def _close_thread_connections(**kwargs) -> None:
    # The worker thread has its own database connections; close them after each task so
    # PostgreSQL can drop the test database at the end of the session.
    connections.close_all()


@contextmanager
def worker() -> Iterator[object]:
    """A real Celery worker (solo pool) consuming the current test queue in a thread."""
    task_postrun.connect(_close_thread_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False,
                          shutdown_timeout=20) as running:
            yield running
    finally:
        task_postrun.disconnect(_close_thread_connections)


def wait_for(condition: Callable[[], object], *, timeout: float = 20, what: str = "") -> object:
    """Poll `condition` until it returns something truthy; fail the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what or condition}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test may stop and start.

    The machine's shared Redis (port 6379) is never touched.
    """

    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.answers, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.thaw()  # a frozen server cannot act on SIGTERM
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def freeze(self, *, at_most: float) -> None:
        """Suspend the server: connections still open, no command answered for `at_most` s.

        The server thaws by itself after that, so code that would wait forever makes the
        test fail instead of hanging it.
        """
        self.process.send_signal(signal.SIGSTOP)
        timer = threading.Timer(at_most, self.thaw)
        timer.daemon = True
        timer.start()

    def thaw(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    binary = redis_server_binary()
    require("redis-server", binary is not None)
    server = PrivateRedis(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
