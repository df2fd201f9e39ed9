"""SlackChannel against the local Slack Web API peer (real HTTP, real slack-sdk client)."""

from __future__ import annotations

import asyncio

import pytest

from alerts.channels.slack import SlackChannel, classify_response, retry_after_seconds
from alerts.deliver.retry import RetryPolicy, send_with_retry
from alerts.render.slack import render_slack
from tests import factories as f
from tests.alerts.fakes import RecordingSleep, no_jitter
from tests.peers.slack_api import SlackApiServer, SlackResponse

TOKEN = "xoxb-watchfloor-test"


def channel(server: SlackApiServer, timeout: float = 5) -> SlackChannel:
    return SlackChannel("slack:syria-watch", TOKEN, "#syria-watch", base_url=server.base_url, timeout=timeout)


def test_success_posts_blocks_with_token(slack_api: SlackApiServer) -> None:
    alert = f.seed_alert()
    result = asyncio.run(channel(slack_api).send(alert))
    assert result.status == "ok" and result.ref
    [request] = slack_api.calls()
    assert request.path == "/api/chat.postMessage"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"].startswith("application/json")
    assert request.body["channel"] == "#syria-watch"
    rendered = render_slack(alert)
    assert request.body["blocks"] == rendered.blocks
    assert request.body["text"] == rendered.text
    assert request.body["unfurl_links"] is False
    assert result.ref == slack_api.answers[0].body["ts"]


SCRIPTED = [
    ("429-retry-after", SlackResponse(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "2"}),
     "retryable", 2.0),
    ("429-no-header", SlackResponse(429, {"ok": False, "error": "ratelimited"}), "retryable", None),
    ("500", SlackResponse(500, "<html>oops</html>", {"Content-Type": "text/html"}), "retryable", None),
    ("503-json", SlackResponse(503, {"ok": False, "error": "service_unavailable"}), "retryable", None),
    ("ratelimited-200", SlackResponse(200, {"ok": False, "error": "ratelimited"}), "retryable", None),
    ("invalid_auth", SlackResponse(200, {"ok": False, "error": "invalid_auth"}), "permanent", None),
    ("not_authed", SlackResponse(200, {"ok": False, "error": "not_authed"}), "permanent", None),
    ("account_inactive", SlackResponse(200, {"ok": False, "error": "account_inactive"}), "permanent", None),
    ("channel_not_found", SlackResponse(200, {"ok": False, "error": "channel_not_found"}), "permanent", None),
    ("is_archived", SlackResponse(200, {"ok": False, "error": "is_archived"}), "permanent", None),
    ("not_in_channel", SlackResponse(200, {"ok": False, "error": "not_in_channel"}), "permanent", None),
    ("invalid_blocks", SlackResponse(200, {"ok": False, "error": "invalid_blocks"}), "permanent", None),
    ("msg_too_long", SlackResponse(200, {"ok": False, "error": "msg_too_long"}), "permanent", None),
    ("unknown-error", SlackResponse(200, {"ok": False, "error": "something_new"}), "permanent", None),
    ("404", SlackResponse(404, {"ok": False, "error": "unknown_method"}), "permanent", None),
]


@pytest.mark.parametrize(("response", "status", "retry_after"), [c[1:] for c in SCRIPTED],
                         ids=[c[0] for c in SCRIPTED])
def test_failures_are_classified(slack_api: SlackApiServer, response, status, retry_after) -> None:
    slack_api.push(response)
    result = asyncio.run(channel(slack_api).send(f.seed_alert()))
    assert (result.status, result.retry_after) == (status, retry_after)
    assert TOKEN not in result.detail
    # slack-sdk's own retry handlers are off: exactly one request per send.
    assert len(slack_api.calls()) == 1


def test_timeout_is_retryable(slack_api: SlackApiServer) -> None:
    slack_api.slow(5)
    result = asyncio.run(channel(slack_api, timeout=0.3).send(f.seed_alert()))
    assert result.status == "retryable" and "timeout" in result.detail


def test_connection_refused_is_retryable() -> None:
    server = SlackApiServer().start()
    server.stop()  # the port is now closed
    result = asyncio.run(channel(server).send(f.seed_alert()))
    assert result.status == "retryable" and "connection" in result.detail


def test_base_url_gets_trailing_slash(slack_api: SlackApiServer) -> None:
    ch = SlackChannel("s", TOKEN, "#c", base_url=slack_api.base_url.rstrip("/"))
    assert ch.base_url == slack_api.base_url
    assert asyncio.run(ch.send(f.seed_alert())).status == "ok"
    assert TOKEN not in repr(ch)


def test_retry_honours_retry_after_then_sends_once(slack_api: SlackApiServer) -> None:
    slack_api.ratelimit(retry_after=2)
    sleep = RecordingSleep()
    result = asyncio.run(send_with_retry(channel(slack_api), f.seed_alert(), RetryPolicy(base=0.5),
                                         sleep=sleep, rng=no_jitter))
    assert result.status == "ok"
    assert sleep.calls == [2.0]  # max(Retry-After 2, backoff 0.5)
    assert len(slack_api.messages()) == 2  # the 429'd attempt and exactly one resend


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"Retry-After": "2"}, 2.0), ({"Retry-After": "1.5"}, 1.5), ({"Retry-After": "-3"}, 0.0),
     ({"Retry-After": "soon"}, None), ({"Retry-After": "inf"}, None), ({"retry-after": "3"}, 3.0),
     ({}, None), (None, None),
     ({"Retry-After": "Thu, 01 Jan 1970 00:00:30 GMT"}, 20.0)],
    ids=["int", "float", "negative", "garbage", "infinite", "lower-case", "absent", "no-headers", "http-date"],
)
def test_retry_after_seconds(headers, expected) -> None:
    assert retry_after_seconds(headers, now=10.0) == expected


def test_classify_ok_keeps_ts() -> None:
    result = classify_response(200, {}, {"ok": True, "channel": "C1", "ts": "1.2"})
    assert (result.status, result.ref) == ("ok", "1.2")
