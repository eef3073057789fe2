"""A partner's webhook receiver: a real HTTP server on loopback that records what it gets."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Message:
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def tokens(self) -> list[str]:
        return [item["token"] for item in self.document["data"]["indicators"]]


@dataclass
class Receiver:
    """Answers 200 unless told otherwise: ``answers`` are taken one per request."""

    url: str
    messages: list[Message] = field(default_factory=list)
    answers: deque[int] = field(default_factory=deque)
    delay: float = 0.0

    def fail_next(self, times: int, status: int = 500) -> None:
        self.answers.extend([status] * times)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:
        """The messages once there are ``count``; for deliveries the server makes by itself."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            time.sleep(receiver.delay)
            status = receiver.answers.popleft() if receiver.answers else 200
            if status < 300:
                receiver.messages.append(Message(dict(self.headers.items()), body))
            answer = b'{"received": true}' if status < 300 else b"receiver is down"
            self.send_response(status)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read the messages, not the server's log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/fraudlink/webhook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
