"""A real HTTP receiver for webhook tests: `http.server` on 127.0.0.1 in a thread.

It verifies each request's `X-Custodia-Signature` itself (HMAC-SHA256 over
"<timestamp>.<raw body>", as the README tells receivers to), records every request, and
answers with the status codes it is told to, in order (then 200).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str
    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    url: str = ""

    def verify(self, header: str, body: bytes) -> bool:
        """The receiver side of the signature, written independently of Custodia's code."""
        try:
            parts = dict(item.split("=", 1) for item in header.split(","))
        except ValueError:
            return False
        expected = hmac.new(self.secret.encode(), parts.get("t", "").encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))


@contextmanager
def webhook_receiver(secret: str, statuses: list[int] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(secret=secret, statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received(
                headers=dict(self.headers.items()), body=body,
                signature_valid=receiver.verify(self.headers.get("X-Custodia-Signature", ""),
                                                body)))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            answer = b'{"ok": true}' if status < 300 else b'{"error": "receiver failed"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/custodia"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
