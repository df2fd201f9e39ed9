"""The worker's web server against a real broker and the real worker process: POST /reports,
GET /health, GET /metrics (WATCHFLOOR_WEB_PORT set, a small body limit to test 413)."""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator

import pytest
from kafka import KafkaConsumer

from streams.broker import free_port
from streams.kafka_io import ensure_topics

from .worker import Pipeline, WorkerProcess, wait_until

pytestmark = pytest.mark.integration

LIMIT = 4096
BRIGADIER = "A Brigadier in the regime forces was killed in an IED explosion near Maskanah in the countryside of Aleppo."


def request(url: str, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def post_json(base: str, obj) -> tuple[int, dict]:
    status, _, body = request(f"{base}/reports", "POST", json.dumps(obj).encode(), {"Content-Type": "application/json"})
    return status, json.loads(body)


def wait_for_record(bootstrap: str, topic: str, match: Callable[[dict], bool], timeout: float = 120.0) -> dict | None:
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                             auto_offset_reset="earliest", enable_auto_commit=False)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    value = json.loads(record.value)
                    if match(value):
                        return value
        return None
    finally:
        consumer.close()


@pytest.fixture(scope="module")
def web(kafka_bootstrap, tmp_path_factory) -> Iterator[tuple[str, Pipeline, WorkerProcess]]:
    """One worker with its web server for the module; yields (base URL, pipeline, worker)."""
    port = free_port()
    pipeline = Pipeline(kafka_bootstrap, tmp_path_factory.mktemp("web"), extra_env={
        "WATCHFLOOR_WEB_PORT": str(port),
        "WATCHFLOOR_HTTP_MAX_BODY_BYTES": str(LIMIT),
    })
    ensure_topics(pipeline.settings)
    base = f"http://127.0.0.1:{port}"
    with WorkerProcess(pipeline) as worker:
        deadline = time.monotonic() + 180
        status = None
        while time.monotonic() < deadline and worker.process.poll() is None:
            try:
                status, _, _ = request(f"{base}/health")
            except OSError:
                status = None  # not listening yet, or busy loading the model
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, f"/health never became ready (last status {status}):\n{worker.log()[-4000:]}"
        yield base, pipeline, worker
        assert worker.process.poll() is None, worker.log()[-4000:]


def test_health_reports_broker_and_rules(web):
    base, _, _ = web
    status, headers, body = request(f"{base}/health")
    health = json.loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert health["status"] == "ok"
    assert health["broker"]["reachable"] is True
    assert health["rules"]["count"] > 0 and health["rules"]["version"]


def test_good_report_is_accepted_reaches_events_and_is_counted(web):
    base, pipeline, _ = web
    report_id = f"web-{uuid.uuid4().hex[:8]}"
    status, reply = post_json(base, {"id": report_id, "text": BRIGADIER, "source": {"name": "SOHR"}})
    assert status == 202, reply
    assert reply["id"] == report_id and reply["topic"] == pipeline.settings.reports_topic

    settings = pipeline.settings
    event = wait_for_record(settings.kafka_bootstrap, settings.events_topic, lambda e: e.get("report_id") == report_id)
    assert event is not None, "the accepted report never produced an event"
    assert event["schema_version"] == "1.0" and event["source"]["name"] == "SOHR"

    # The extract stage counted it before publishing the event, so the counter is there now.
    _, headers, body = request(f"{base}/metrics")
    text = body.decode()
    assert headers["Content-Type"].startswith("text/plain")
    assert any(line.startswith("watchfloor_reports_total ") and float(line.split()[-1]) >= 1
               for line in text.splitlines()), text[:2000]
    assert 'watchfloor_http_reports_total{outcome="accepted"}' in text
    assert "watchfloor_events_total{" in text and "watchfloor_stage_seconds_bucket{" in text
    # Once faust commits the report's offset (every few seconds), the topic's lag is a series.
    lag_series = f'watchfloor_consumer_lag_messages{{topic="{settings.reports_topic}"}}'
    wait_until(lambda: lag_series in request(f"{base}/metrics")[2].decode(), 60, f"{lag_series} in /metrics")

    _, _, body = request(f"{base}/health")
    assert json.loads(body)["last_report_at"] is not None


@pytest.mark.parametrize("body, status, reason", [
    (b'{"id": "x", "text": ', 422, "invalid JSON"),
    (b"\xff\xfe not utf-8", 422, "not UTF-8"),
    (b"", 422, "empty body"),
    (b'["a", "list"]', 422, "must be a JSON object"),
    (b'{"id": "no-text"}', 422, "text: Field required"),
    (b'{"id": "x", "text": "   "}', 422, "text is blank"),
    (b'{"id": "x", "text": "t", "colour": "red"}', 422, "colour"),
], ids=["truncated-json", "not-utf8", "empty", "list", "missing-text", "blank-text", "unknown-key"])
def test_bad_bodies_are_refused_with_the_reason(web, body, status, reason):
    base, _, _ = web
    got, _, reply = request(f"{base}/reports", "POST", body, {"Content-Type": "application/json"})
    assert got == status, reply
    assert reason in json.loads(reply)["error"]


def test_body_over_the_limit_is_413(web):
    base, _, _ = web
    big = json.dumps({"id": "big", "text": "x" * (LIMIT + 10)}).encode()
    status, _, reply = request(f"{base}/reports", "POST", big, {"Content-Type": "application/json"})
    assert status == 413 and str(LIMIT) in json.loads(reply)["error"]


def test_chunked_body_over_the_limit_is_413(web):
    """No Content-Length: the limit is enforced while reading."""
    base, _, _ = web
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        chunks = (b"x" * 1024 for _ in range(LIMIT // 1024 + 4))
        conn.request("POST", "/reports", body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True)
        response = conn.getresponse()
        assert response.status == 413, response.read()
    finally:
        conn.close()


def test_get_on_reports_is_not_allowed(web):
    base, _, _ = web
    status, _, _ = request(f"{base}/reports")
    assert status == 405
