"""A local HTTP endpoint on 127.0.0.1 that records every request and answers from a script.

    with WebhookServer() as hook:
        hook.push(HookAnswer(429, headers={"Retry-After": "2"}))   # first request: 429
        ...                                                        # then 200 {"ok": true}
        assert hook.requests[-1].json()["alert_id"] == alert.alert_id
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class HookAnswer:
    """One scripted answer; `delay` seconds before it (client-timeout tests)."""

    status: int = 200
    body: str = '{"ok": true}'
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class HookRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    raw: bytes
    received_at: float  # time.monotonic()

    def json(self) -> Any:
        return json.loads(self.raw)


class WebhookServer:
    """Threaded local HTTP server; start/stop explicitly or use as a context manager."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.requests: list[HookRequest] = []
        self.answers: list[HookAnswer] = []  # answers[i] is what requests[i] got
        self._script: deque[HookAnswer] = deque()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}/hooks/watchfloor"

    def start(self) -> WebhookServer:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="webhook-peer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a scripted delay
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> WebhookServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def push(self, *answers: HookAnswer) -> None:
        with self._cond:
            self._script.extend(answers)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[HookRequest]:
        """Block until `count` requests arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} webhook requests within {timeout}s, got {len(self.requests)}")
                self._cond.wait(left)
            return list(self.requests)

    def _answer(self, request: HookRequest) -> HookAnswer:
        with self._cond:
            self.requests.append(request)
            self._cond.notify_all()
            answer = self._script.popleft() if self._script else HookAnswer()
            self.answers.append(answer)
            return answer


def _handler_for(server: WebhookServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = HookRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                                  raw, time.monotonic())
            answer = server._answer(request)
            if answer.delay and server._stopping.wait(answer.delay):
                return
            body = answer.body.encode()
            try:
                self.send_response(answer.status)
                for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        do_POST = do_PUT = _handle

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

    return Handler
