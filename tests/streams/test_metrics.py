"""Metrics recording and the web helpers that need no worker (parsing, lag, broker probe)."""

from __future__ import annotations

import asyncio
import socket
from collections import namedtuple
from types import SimpleNamespace

import pytest

from streams import metrics
from streams.web import BodyError, broker_reachable, consumer_lag, lag_by_topic, parse_report

TP = namedtuple("TP", "topic partition")  # the shape of faust's TP
from tests.factories import seed_alert


def sample(name: str, **labels) -> float:
    return metrics.METRICS.registry.get_sample_value(name, labels) or 0.0


def test_recording_functions_move_the_counters():
    alert = seed_alert()
    before = (sample("watchfloor_reports_total"), sample("watchfloor_alerts_total", rule_id=alert.rule_id, level=alert.level),
              sample("watchfloor_events_total", event_type=alert.event.event_type),
              sample("watchfloor_deliveries_total", receiver="slack", outcome="permanent"),
              sample("watchfloor_dlq_messages_total", stage="match"),
              sample("watchfloor_stage_seconds_count", stage="match"))
    metrics.reports_in(2)
    metrics.alert_fired(alert)
    metrics.events_out([alert.event, alert.event])
    metrics.delivery("slack", "permanent")
    metrics.dead_letter("match")
    metrics.stage_done("match", metrics.now())
    after = (sample("watchfloor_reports_total"), sample("watchfloor_alerts_total", rule_id=alert.rule_id, level=alert.level),
             sample("watchfloor_events_total", event_type=alert.event.event_type),
             sample("watchfloor_deliveries_total", receiver="slack", outcome="permanent"),
             sample("watchfloor_dlq_messages_total", stage="match"),
             sample("watchfloor_stage_seconds_count", stage="match"))
    assert [a - b for a, b in zip(after, before)] == [2, 1, 2, 1, 1, 1]
    assert metrics.last_report_seen() is not None
    assert b"watchfloor_reports_total" in metrics.latest()


def test_exposition_negotiates_openmetrics():
    body, content_type = metrics.METRICS.exposition("application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text") and body.rstrip().endswith(b"# EOF")
    _, plain = metrics.METRICS.exposition(None)
    assert plain.startswith("text/plain")


@pytest.mark.parametrize("raw, status", [
    (b"", 422), (b"{", 422), (b"\xff", 422), (b"[" * 100_000, 422),
    (b"42", 422), (b'{"id": ""}', 422), (b'{"id": "a", "text": "t", "x": 1}', 422),
], ids=["empty", "truncated", "not-utf8", "deep", "number", "empty-id", "unknown-key"])
def test_parse_report_refusals(raw, status):
    with pytest.raises(BodyError) as info:
        parse_report(raw)
    assert info.value.status == status


def test_parse_report_accepts_the_documented_shape():
    report = parse_report(b'{"id": "r1", "text": "t", "source": "SOHR", "published_at": "2017-11-25"}')
    assert report.source.name == "SOHR" and report.published_at.isoformat() == "2017-11-25T00:00:00+00:00"


def test_consumer_lag_from_the_monitor():
    a0, a1, b0, c0 = TP("reports", 0), TP("reports", 1), TP("events", 0), TP("alerts", 0)
    monitor = SimpleNamespace(tp_end_offsets={a0: 10, a1: 3, b0: 5, c0: 7}, tp_committed_offsets={a0: 4, a1: 1, b0: 5})
    assert consumer_lag(SimpleNamespace(monitor=monitor)) == 8  # "alerts" has no commit yet: not counted
    assert lag_by_topic(SimpleNamespace(monitor=monitor)) == {"reports": 8, "events": 0}
    assert consumer_lag(SimpleNamespace(monitor=SimpleNamespace(tp_end_offsets={}, tp_committed_offsets={}))) is None
    assert consumer_lag(SimpleNamespace()) is None


def test_broker_probe():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert asyncio.run(broker_reachable(f"127.0.0.1:1,127.0.0.1:{port}"))
    assert not asyncio.run(broker_reachable(f"127.0.0.1:{port}", timeout=0.5))
    assert not asyncio.run(broker_reachable("not-a-port"))
