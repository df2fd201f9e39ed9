"""The worker's HTTP endpoints, on faust's built-in web server (aiohttp).

    POST /reports   one report as JSON -> 202 {"id": ...} once the reports topic has it;
                    413 too large, 422 not JSON or not a valid report (with the reason;
                    422 for both, as FastAPI does, so clients handle one status)
    GET  /health    broker reachable, rules loaded (count, version), last report seen,
                    consumer lag -> 200 when ready, else 503
    GET  /metrics   Prometheus text format (streams/metrics.py)

Enabled when WATCHFLOOR_WEB_PORT is set; views are registered with `app.page(path)` and
`faust.web.View` subclasses, the way faust-streaming 0.15 serves them on the worker's loop.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from faust import web

from extraction.report import Report, ReportError, report_from_obj

from .. import metrics
from ..settings import Settings

READ_CHUNK = 64 * 1024


@dataclass
class WebState:
    """What the views need besides the topics: settings, and whether the runtime is built.

    `runtime_ready` must not build the runtime (that loads spaCy): /health asks it first and
    only then calls the runtime function, which is cheap once the runtime exists.
    """

    settings: Settings
    runtime_ready: Callable[[], bool]
    started_at: float = field(default_factory=time.time)


class BodyError(Exception):
    """A request body we refuse: HTTP status, reason for the client, metric outcome."""

    def __init__(self, status: int, reason: str, outcome: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.outcome = outcome


def parse_report(raw: bytes) -> Report:
    """A report from a request body, validated by the same model as every other way in."""
    if not raw.strip():
        raise BodyError(422, "empty body: send one report as a JSON object", "not_json")
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BodyError(422, f"not UTF-8: {exc.reason} at byte {exc.start}", "not_json") from None
    except json.JSONDecodeError as exc:
        raise BodyError(422, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", "not_json") from None
    except RecursionError:
        raise BodyError(422, "invalid JSON: nested too deeply", "not_json") from None
    try:
        return report_from_obj(obj)
    except ReportError as exc:
        raise BodyError(422, f"invalid report: {exc}", "invalid") from None


async def read_body(request: Any, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit` bytes."""
    too_large = BodyError(413, f"body larger than {limit} bytes (WATCHFLOOR_HTTP_MAX_BODY_BYTES)", "too_large")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    chunks, size = [], 0
    while chunk := await request.content.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:  # chunked or lying Content-Length: stop reading, never buffer it all
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def broker_reachable(bootstrap: str, timeout: float = 1.0) -> bool:
    """True when a TCP connection to any bootstrap address opens within `timeout`."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host.strip("[]"), int(port)), timeout)
        except (OSError, ValueError, asyncio.TimeoutError):
            continue
        writer.close()
        return True
    return False


def lag_by_topic(app: Any) -> dict[str, int] | None:
    """Messages behind the log end per topic, from faust's monitor (cheap, no broker call).

    Counts the partitions this worker has both fetched from and committed on since it
    started; None when faust has no numbers yet.
    """
    try:
        ends = dict(app.monitor.tp_end_offsets)
        committed = dict(app.monitor.tp_committed_offsets)
    except Exception:  # noqa: BLE001 - the monitor is an implementation detail: no lag then
        return None
    lag: dict[str, int] = {}
    for tp, end in ends.items():
        done = committed.get(tp)
        if done is not None and end is not None:
            lag[tp.topic] = lag.get(tp.topic, 0) + max(0, end - done)
    return lag or None


def consumer_lag(app: Any) -> int | None:
    """The worker's whole lag (see lag_by_topic), or None when unknown."""
    lag = lag_by_topic(app)
    return None if lag is None else sum(lag.values())


def _iso(timestamp: float | None) -> str | None:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat() if timestamp else None


def register(app: Any, topics: Any, runtime_fn: Callable[[], Any], state: WebState) -> None:
    """Add the three views to `app`'s web server."""
    limit = state.settings.http_max_body_bytes

    def rules_info() -> dict | None:
        if not state.runtime_ready():
            return None
        ruleset = runtime_fn().ruleset
        metrics.METRICS.rules_loaded.set(len(ruleset.rules))
        return {"count": len(ruleset.rules), "version": ruleset.version}

    @app.page("/reports", name="watchfloor-reports")
    class Reports(web.View):
        async def post(self, request: web.Request) -> web.Response:
            try:
                report = parse_report(await read_body(request, limit))
            except BodyError as exc:
                metrics.http_report(exc.outcome)
                return self.json({"error": exc.reason}, status=exc.status)
            value = report.model_dump_json(exclude_none=True).encode("utf-8")
            try:
                sent = await (await topics.reports.send(key=report.id.encode("utf-8"), value=value))
            except Exception as exc:  # noqa: BLE001 - the client must know it was not accepted
                metrics.http_report("failed")
                return self.json({"error": f"could not publish: {type(exc).__name__}: {exc}"}, status=503)
            metrics.http_report("accepted")
            return self.json({"id": report.id, "topic": topics.reports.get_topic_name(),
                              "partition": getattr(sent, "partition", None), "offset": getattr(sent, "offset", None)},
                             status=202)

    @app.page("/health", name="watchfloor-health")
    class Health(web.View):
        async def get(self, request: web.Request) -> web.Response:
            reachable = await broker_reachable(state.settings.kafka_bootstrap)
            rules = rules_info()
            ready = reachable and rules is not None
            body = {
                "status": "ok" if ready else ("starting" if reachable else "broker unreachable"),
                "broker": {"reachable": reachable},
                "rules": rules or {"count": None, "version": None, "loaded": False},
                "last_report_at": _iso(metrics.last_report_seen()),
                "consumer_lag": consumer_lag(self.app),
                "uptime_seconds": round(time.time() - state.started_at, 3),
            }
            return self.json(body, status=200 if ready else 503)

    @app.page("/metrics", name="watchfloor-metrics")
    class Metrics(web.View):
        async def get(self, request: web.Request) -> web.Response:
            rules_info()  # keeps watchfloor_rules_loaded current
            metrics.consumer_lag(lag_by_topic(self.app) or {})
            body, content_type = metrics.METRICS.exposition(request.headers.get("Accept"))
            # aiohttp refuses a charset inside `content_type=`: send the header as it is.
            return self.bytes(body, headers={"Content-Type": content_type})

    _ = (Reports, Health, Metrics)
