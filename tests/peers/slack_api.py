"""A local Slack Web API on 127.0.0.1: answers POST /api/<method>, records every request.

slack-sdk's AsyncWebClient sends chat.postMessage as a JSON body (it does so whenever the call
may carry blocks); other methods are form-encoded. Both are parsed. Responses come from a
script queue (`push`, `ratelimit`, `server_error`, `error`, ...), then default to success:
`{"ok": true, "channel": <requested channel>, "ts": "<increasing ts>"}`.

    with SlackApiServer() as slack:
        slack.ratelimit(retry_after=2)          # first call: 429 Retry-After: 2
        client = AsyncWebClient(token="xoxb-test", base_url=slack.base_url)
        ...
        assert slack.messages()[0]["channel"] == "#syria-watch"
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# Form fields that slack-sdk serialises as JSON strings; decoded for convenience.
_JSON_FORM_FIELDS = ("blocks", "attachments", "metadata")


@dataclass(frozen=True)
class SlackResponse:
    """One scripted answer. `body=None` means the default success for the request."""

    status: int = 200
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (client-timeout tests)
    method: str | None = None  # only answer requests to this API method (e.g. "chat.update")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str  # HTTP verb
    path: str  # e.g. /api/chat.postMessage
    api_method: str  # e.g. chat.postMessage
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes
    received_at: float  # time.monotonic()

    @property
    def token(self) -> str | None:
        """The bearer token from Authorization, or a form `token` field."""
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:]
        return self.body.get("token")


class SlackApiServer:
    """Threaded local Slack Web API. Start/stop explicitly or use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, token: str | None = None) -> None:
        """`token`: when set, requests with another token get `invalid_auth`."""
        self.host = host
        self._port = port
        self.token = token
        self.requests: list[RecordedRequest] = []
        self.answers: list[SlackResponse] = []  # answers[i] is what requests[i] got
        self._script: deque[SlackResponse] = deque()
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._ts = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------
    def start(self) -> SlackApiServer:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = ThreadingHTTPServer((self.host, self._port), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._port = server.server_address[1]  # keep the port: a restart reuses it
        # A short poll interval keeps stop() (shutdown waits for one poll) fast.
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="slack-api-peer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes handlers sleeping on a scripted delay
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/api/` — pass as AsyncWebClient(base_url=...)."""
        return f"http://{self.host}:{self._port}/api/"

    # ---- scripting -------------------------------------------------------------------
    def push(self, *responses: SlackResponse) -> None:
        """Queue responses, answered in order before falling back to success."""
        with self._cond:
            self._script.extend(responses)

    def ratelimit(self, retry_after: float = 2, method: str | None = None) -> None:
        self.push(SlackResponse(429, {"ok": False, "error": "ratelimited"},
                                {"Retry-After": f"{retry_after:g}"}, method=method))

    def server_error(self, status: int = 500, method: str | None = None) -> None:
        self.push(SlackResponse(status, "<html>upstream error</html>",
                                {"Content-Type": "text/html"}, method=method))

    def error(self, code: str, method: str | None = None) -> None:
        """An HTTP 200 `{"ok": false, "error": code}` answer, like Slack's API errors."""
        self.push(SlackResponse(200, {"ok": False, "error": code}, method=method))

    def slow(self, delay: float, method: str | None = None) -> None:
        """A success answered only after `delay` seconds."""
        self.push(SlackResponse(delay=delay, method=method))

    def clear(self) -> None:
        """Forget the script and the recorded requests."""
        with self._cond:
            self._script.clear()
            self.requests.clear()
            self.answers.clear()

    # ---- inspection ------------------------------------------------------------------
    def calls(self, api_method: str | None = None) -> list[RecordedRequest]:
        with self._cond:
            return [r for r in self.requests if api_method in (None, r.api_method)]

    def delivered(self) -> list[dict[str, Any]]:
        """Bodies of the chat.postMessage requests that were answered ok, in order."""
        with self._cond:
            pairs = list(zip(self.requests, self.answers))
        return [r.body for r, a in pairs if r.api_method == "chat.postMessage"
                and a.status == 200 and isinstance(a.body, dict) and a.body.get("ok")]

    def messages(self) -> list[dict[str, Any]]:
        """Bodies of every chat.postMessage received, in order."""
        return [r.body for r in self.calls("chat.postMessage")]

    def wait_for(self, count: int, api_method: str | None = "chat.postMessage",
                 timeout: float = 10.0) -> list[RecordedRequest]:
        """Block until `count` matching requests arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.calls(api_method)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} {api_method or 'API'} requests within {timeout}s, "
                        f"got {len(self.calls(api_method))}")
                self._cond.wait(left)
            return self.calls(api_method)

    # ---- used by the handler ---------------------------------------------------------
    def _record_and_answer(self, request: RecordedRequest) -> SlackResponse:
        with self._cond:
            self.requests.append(request)
            self._cond.notify_all()
            for i, scripted in enumerate(self._script):
                if scripted.method in (None, request.api_method):
                    del self._script[i]
                    break
            else:
                scripted = SlackResponse()
            if self.token is not None and request.token != self.token and scripted.body is None:
                scripted = SlackResponse(200, {"ok": False, "error": "invalid_auth"})
            if scripted.body is None and scripted.status == 200:
                self._ts += 1
                body: dict[str, Any] = {"ok": True}
                if request.api_method.startswith("chat."):
                    ts = request.body.get("ts") or f"{1700000000 + self._ts}.{self._ts:06d}"
                    body.update(channel=request.body.get("channel"), ts=ts,
                                message={"text": request.body.get("text"), "ts": ts})
                scripted = SlackResponse(200, body, scripted.headers, scripted.delay)
            self.answers.append(scripted)
            return scripted


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {"_unparsed": raw.decode("utf-8", "replace")}
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    form = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
    for key in _JSON_FORM_FIELDS:
        if isinstance(form.get(key), str):
            try:
                form[key] = json.loads(form[key])
            except ValueError:
                pass
    return form


def _handler_for(peer: SlackApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            if not path.startswith("/api/"):
                self._send(SlackResponse(404, {"ok": False, "error": "unknown_method"}))
                return
            request = RecordedRequest(
                method=self.command,
                path=path,
                api_method=path[len("/api/"):],
                headers={k.lower(): v for k, v in self.headers.items()},
                body=_parse_body(self.headers.get("Content-Type", ""), raw),
                raw=raw,
                received_at=time.monotonic(),
            )
            answer = peer._record_and_answer(request)
            if answer.delay and peer._stopping.wait(answer.delay):
                return  # server stopping: drop the connection unanswered
            self._send(answer)

        def _send(self, answer: SlackResponse) -> None:
            if isinstance(answer.body, str):
                payload, ctype = answer.body.encode(), "text/plain; charset=utf-8"
            else:
                payload, ctype = json.dumps(answer.body or {"ok": True}).encode(), "application/json; charset=utf-8"
            try:
                self.send_response(answer.status)
                headers = {"Content-Type": ctype} | answer.headers
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        do_POST = _handle
        do_GET = _handle

    return Handler
