"""A real HTTP server on 127.0.0.1, started by the test: it records what it receives and answers as told."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Loopback:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: deque[tuple[int, bytes, float]] = field(default_factory=deque)  # status, body, delay in seconds
    default: tuple[int, bytes, float] = (200, b"{}", 0.0)

    def answer(self, status: int, body: Any = None, delay: float = 0.0) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body if body is not None else {}).encode()
        self.answers.append((status, raw, delay))


@pytest.fixture
def loopback():
    state: dict[str, Loopback] = {}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            server = state["server"]
            length = int(self.headers.get("Content-Length") or 0)
            server.received.append(
                {"method": self.command, "path": self.path, "headers": dict(self.headers),
                 "body": self.rfile.read(length) if length else b""}
            )  # fmt: skip
            status, body, delay = server.answers.popleft() if server.answers else server.default
            if delay:
                time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args: Any) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["server"] = Loopback(url=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state["server"]
    httpd.shutdown()
    httpd.server_close()
