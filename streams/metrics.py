"""Prometheus metrics of the worker, and the small functions the agents call to record them.

Served by the worker's web server at `GET /metrics` (streams/web). Names follow Prometheus
conventions: counters end in `_total`, durations are seconds. Label values come from closed
sets (stage, event type, rule id, level, receiver, outcome) so series stay few.

    reports in      watchfloor_reports_total                        reports the extract stage read
    events out      watchfloor_events_total{event_type}             events published
    alerts          watchfloor_alerts_total{rule_id,level}          alerts fired
    deliveries      watchfloor_deliveries_total{receiver,outcome}   ok | deferred | retryable | permanent,
                                                                    or held back: silenced | inhibited | quiet_hours | realert
    held back       watchfloor_suppressed_total{reason,rule_id}     silenced | inhibited | quiet_hours | realert
    joined          watchfloor_incident_joins_total{how}            match stage: exact (same dedup key) | fuzzy (fingerprint)
    dead letters    watchfloor_dlq_messages_total{stage}            extract | match | deliver | deliveries (a receiver failed for good)
    latency         watchfloor_stage_seconds{stage}                 extract: per batch; match, deliver: per message
    HTTP ingest     watchfloor_http_reports_total{outcome}          accepted | invalid | not_json | too_large | failed
    freshness       watchfloor_last_report_timestamp_seconds        when the extract stage last read a report
    consumer lag    watchfloor_consumer_lag_messages{topic}         behind the log end, per topic (set on each scrape)
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client.exposition import choose_encoder

# Seconds: spaCy batches take 0.05-5 s, matching and delivery milliseconds to a retried minute.
BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class Metrics:
    """The metric objects, on one registry (the process-wide default unless tests pass their own)."""

    def __init__(self, registry: CollectorRegistry = DEFAULT_REGISTRY):
        self.registry = registry
        self.reports = Counter("watchfloor_reports", "Reports read by the extract stage.", registry=registry)
        self.events = Counter("watchfloor_events", "Events published, by PLOVER event type.",
                              ["event_type"], registry=registry)
        self.alerts = Counter("watchfloor_alerts", "Alerts fired, by rule and level.",
                              ["rule_id", "level"], registry=registry)
        self.deliveries = Counter("watchfloor_deliveries", "Delivery outcomes, by receiver.",
                                  ["receiver", "outcome"], registry=registry)
        self.suppressed = Counter("watchfloor_suppressed", "Alerts held back from every receiver, by reason and rule.",
                                  ["reason", "rule_id"], registry=registry)
        self.incident_joins = Counter("watchfloor_incident_joins",
                                      "Alerts the match stage joined to an earlier incident, by how.",
                                      ["how"], registry=registry)
        self.dead_letters = Counter("watchfloor_dlq_messages", "Messages sent to a dead-letter topic, by stage.",
                                    ["stage"], registry=registry)
        self.stage_seconds = Histogram("watchfloor_stage_seconds",
                                       "Processing time per stage (extract: per batch; others: per message).",
                                       ["stage"], buckets=BUCKETS, registry=registry)
        self.http_reports = Counter("watchfloor_http_reports", "POST /reports requests, by outcome.",
                                    ["outcome"], registry=registry)
        self.last_report = Gauge("watchfloor_last_report_timestamp_seconds",
                                 "Unix time the extract stage last read a report (0: none yet).", registry=registry)
        self.rules_loaded = Gauge("watchfloor_rules_loaded", "Rules in the loaded rule set.", registry=registry)
        self.lag = Gauge("watchfloor_consumer_lag_messages",
                         "Messages on a topic this worker has fetched from but not yet committed.",
                         ["topic"], registry=registry)
        self._last_report_at: float | None = None

    def exposition(self, accept: str | None = None) -> tuple[bytes, str]:
        """The registry in the text format the client asked for: (body, content type)."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


METRICS = Metrics()


# The functions the agents call (one line each at the call site).

def now() -> float:
    """A start time for `stage_done`."""
    return time.perf_counter()


def stage_done(stage: str, started: float) -> None:
    METRICS.stage_seconds.labels(stage=stage).observe(time.perf_counter() - started)


def reports_in(count: int = 1) -> None:
    METRICS.reports.inc(count)
    METRICS._last_report_at = time.time()
    METRICS.last_report.set(METRICS._last_report_at)


def events_out(events: Iterable) -> None:
    """Count published events by their `event_type`."""
    for event in events:
        METRICS.events.labels(event_type=event.event_type).inc()


def alert_fired(alert) -> None:
    METRICS.alerts.labels(rule_id=alert.rule_id, level=alert.level).inc()


def delivery(receiver: str, outcome: str) -> None:
    """`outcome`: the channel's status (ok, retryable, permanent), or deferred (to the retry queue)."""
    METRICS.deliveries.labels(receiver=receiver, outcome=outcome).inc()


def suppressed(reason: str, rule_id: str) -> None:
    """An alert held back (alerts/noise/gate.py): silenced, inhibited, quiet_hours or realert."""
    METRICS.suppressed.labels(reason=reason, rule_id=rule_id).inc()


def incident_joined(how: str) -> None:
    """`how`: exact (the rule's dedup key) or fuzzy (fingerprint match)."""
    METRICS.incident_joins.labels(how=how).inc()


def dead_letter(stage: str) -> None:
    METRICS.dead_letters.labels(stage=stage).inc()


def http_report(outcome: str) -> None:
    METRICS.http_reports.labels(outcome=outcome).inc()


def consumer_lag(by_topic: dict[str, int]) -> None:
    for topic, lag in by_topic.items():
        METRICS.lag.labels(topic=topic).set(lag)


def last_report_seen() -> float | None:
    """Unix time the extract stage last read a report in this process, or None."""
    return METRICS._last_report_at


def latest() -> bytes:
    """The whole registry in the Prometheus text format."""
    return generate_latest(METRICS.registry)
