"""WebhookChannel against a real local HTTP server (tests/peers/webhook_server.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from alerts.channels.webhook import WebhookChannel, classify_http, slack_webhook_body
from alerts.deliver.retry import RetryPolicy, send_with_retry
from alerts.model import Alert
from alerts.render.slack import render_slack
from tests import factories as f
from tests.alerts.fakes import RecordingSleep, no_jitter
from tests.peers.webhook_server import HookAnswer, WebhookServer


@pytest.fixture
def hook():
    with WebhookServer() as server:
        yield server


def channel(server: WebhookServer, **kwargs) -> WebhookChannel:
    return WebhookChannel("ops-webhook", server.url, **{"timeout": 5, **kwargs})


def test_success_posts_the_alert_json_with_an_idempotency_key(hook: WebhookServer) -> None:
    alert = f.seed_alert()
    result = asyncio.run(channel(hook, headers={"X-Team": "syria"}).send(alert))
    assert result.status == "ok"
    [request] = hook.requests
    assert request.method == "POST" and request.path == "/hooks/watchfloor"
    assert Alert.model_validate(request.json()) == alert  # the published alert contract, whole
    assert request.headers["content-type"] == "application/json"
    assert request.headers["idempotency-key"] == f"{alert.alert_id}:ops-webhook" == result.ref
    assert request.headers["x-watchfloor-incident"] == alert.incident_key
    assert request.headers["x-watchfloor-notice"] == "new"
    assert request.headers["x-team"] == "syria"


def test_put_when_configured(hook: WebhookServer) -> None:
    assert asyncio.run(channel(hook, method="PUT").send(f.seed_alert())).ok
    assert hook.requests[0].method == "PUT"


ANSWERS = [
    ("200", HookAnswer(200), "ok", None),
    ("204", HookAnswer(204, ""), "ok", None),
    ("429-retry-after", HookAnswer(429, headers={"Retry-After": "2"}), "retryable", 2.0),
    ("429-no-header", HookAnswer(429), "retryable", None),
    ("408", HookAnswer(408), "retryable", None),
    ("500", HookAnswer(500, "<html>oops</html>"), "retryable", None),
    ("503-retry-after", HookAnswer(503, headers={"Retry-After": "7"}), "retryable", 7.0),
    ("400", HookAnswer(400, '{"error": "bad payload"}'), "permanent", None),
    ("401", HookAnswer(401), "permanent", None),
    ("404", HookAnswer(404), "permanent", None),
    ("301", HookAnswer(301, headers={"Location": "https://elsewhere.example/"}), "permanent", None),
]


@pytest.mark.parametrize(("answer", "status", "retry_after"), [a[1:] for a in ANSWERS], ids=[a[0] for a in ANSWERS])
def test_each_answer_is_classified(hook: WebhookServer, answer, status, retry_after) -> None:
    hook.push(answer)
    result = asyncio.run(channel(hook).send(f.seed_alert()))
    assert (result.status, result.retry_after) == (status, retry_after)
    assert f"HTTP {answer.status}" in result.detail
    assert len(hook.requests) == 1  # never followed a redirect, never retried by itself


def test_429_with_retry_after_is_honoured_by_the_retry_stage(hook: WebhookServer) -> None:
    hook.push(HookAnswer(429, headers={"Retry-After": "2"}))
    sleep = RecordingSleep()
    result = asyncio.run(send_with_retry(channel(hook), f.seed_alert(), RetryPolicy(base=0.1), sleep=sleep,
                                         rng=no_jitter))
    assert result.ok
    assert sleep.calls == [2.0]  # Retry-After is the floor, above the 0.1 s backoff
    assert [a.status for a in hook.answers] == [429, 200]


def test_500_then_ok_delivers_once(hook: WebhookServer) -> None:
    hook.push(HookAnswer(500), HookAnswer(502))
    sleep = RecordingSleep()
    alert = f.seed_alert()
    result = asyncio.run(send_with_retry(channel(hook), alert, RetryPolicy(base=0.5), sleep=sleep, rng=no_jitter))
    assert result.ok and sleep.calls == [0.5, 1.0]
    assert [a.status for a in hook.answers] == [500, 502, 200]
    # Every attempt carried the same key, so the endpoint can tell a retry from a new alert.
    assert {r.headers["idempotency-key"] for r in hook.requests} == {f"{alert.alert_id}:ops-webhook"}


def test_400_is_permanent_and_not_retried(hook: WebhookServer) -> None:
    hook.push(HookAnswer(400, '{"error": "unknown field"}'))
    sleep = RecordingSleep()
    result = asyncio.run(send_with_retry(channel(hook), f.seed_alert(), sleep=sleep))
    assert result.status == "permanent" and "unknown field" in result.detail
    assert sleep.calls == [] and len(hook.requests) == 1


def test_timeout_is_retryable(hook: WebhookServer) -> None:
    hook.push(HookAnswer(200, delay=3))
    result = asyncio.run(channel(hook, timeout=0.3).send(f.seed_alert()))
    assert result.status == "retryable" and "timeout" in result.detail


def test_connection_refused_is_retryable() -> None:
    with WebhookServer() as server:
        url = server.url
    result = asyncio.run(WebhookChannel("ops-webhook", url, timeout=2).send(f.seed_alert()))
    assert result.status == "retryable" and "connection failed" in result.detail


def test_slack_incoming_webhook_body_is_the_block_kit_message(hook: WebhookServer) -> None:
    alert = f.seed_alert()
    slack = channel(hook, body=slack_webhook_body, idempotency=False)
    assert asyncio.run(slack.send(alert)).ok
    [request] = hook.requests
    body = request.json()
    assert body["blocks"] == render_slack(alert).blocks and body["text"] == render_slack(alert).text
    assert body["unfurl_links"] is False
    assert "idempotency-key" not in request.headers  # Slack would not know what to do with it


def test_repr_hides_url_and_headers() -> None:
    hook = WebhookChannel("ops", "https://h.example/x?token=s3cret", headers={"Authorization": "Bearer s3cret"})
    assert "s3cret" not in repr(hook)


@pytest.mark.parametrize(("status", "expected"), [(199, "permanent"), (299, "ok"), (425, "retryable"),
                                                  (499, "permanent"), (599, "retryable")])
def test_classify_http_edges(status, expected) -> None:
    assert classify_http(status, {}).status == expected


def test_classify_http_keeps_a_short_one_line_body() -> None:
    detail = classify_http(400, {}, json.dumps({"error": "x" * 500}) + "\n\nmore").detail
    assert "\n" not in detail and len(detail) < 260
