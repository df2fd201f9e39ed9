"""The broker goes away in the middle of a stream and comes back (issue 8, item 2).

Each test runs its own one-node Kafka broker on fixed ports and a state dir it keeps, so the
broker can be stopped (SIGTERM: a clean shutdown; SIGKILL: a crash, the log recovered on
start) and started again at the same address with the same data, the way an operator
restarts or a host loses Kafka. The worker is the real `watchfloor worker` process and is
never touched: it must ride out the outage and reconnect by itself.

Counted at the end: every alert reached the local Slack API server and the SMTP server exactly
once, and the events topic holds every report's event.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from kafka import KafkaProducer

from extraction.report import Report
from streams.kafka_io import ensure_topics, publish_reports

from .test_faults import KILLING, ONE_RULE
from .worker import Pipeline, WorkerProcess, posted_alert_id, receiver_env, topic_records, wait_until

pytestmark = pytest.mark.integration

TOWNS = ["Maskanah", "Homs", "Hama", "Idlib", "Daraa", "Latakia", "Tartus", "Raqqa"]
REPORTS = 120
OUTAGE_SECONDS = 8
STEP = 0.2  # seconds between the reports sent across the outage (40 over ~8 s)


@pytest.fixture
def own_broker(tmp_path) -> Iterator:
    """A broker of this test's own (not the session's), on ports that stay its own."""
    from streams.broker import KafkaBroker, fetch_jars, free_ports

    port, controller_port = free_ports(2)
    broker = KafkaBroker(tmp_path / "kafka", port=port, controller_port=controller_port, libs=fetch_jars())
    broker.start(timeout=180)
    try:
        yield broker
    finally:
        broker.stop()


def _produce_steadily(producer: KafkaProducer, topic: str, reports: list[Report], sent: list) -> None:
    """Send one report every STEP seconds; the futures are collected in `sent`."""
    for report in reports:
        sent.append(producer.send(topic, key=report.id.encode(),
                                  value=report.model_dump_json(exclude_none=True).encode()))
        time.sleep(STEP)


def _take_down(broker, how: signal.Signals) -> None:
    """Stop the broker with `how` and wait until the process is gone."""
    if how == signal.SIGTERM:
        broker.stop(timeout=60)
        return
    pid = broker.status().pid
    assert pid is not None, "the broker should be running"
    os.killpg(pid, signal.SIGKILL)
    wait_until(lambda: not broker.status().running, 30, "the killed broker to exit")


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_broker_restarted_mid_stream_worker_reconnects_and_nothing_is_lost_or_doubled(
        own_broker, tmp_path, slack_api, smtp_server, how):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "any-killing.yaml").write_text(ONE_RULE)
    pipe = Pipeline(own_broker.bootstrap, tmp_path, extra_env={
        **receiver_env(slack_api, smtp_server), "WATCHFLOOR_RULES_DIRS": str(rules)})
    settings = pipe.settings
    ensure_topics(settings)
    reports = [Report(id=f"restart-{i:03d}", text=KILLING.format(town=TOWNS[i % len(TOWNS)]),
                      published_at="2020-05-01") for i in range(REPORTS)]
    first, during, after = reports[:40], reports[40:80], reports[80:]
    sent: list = []

    def tail() -> str:
        return f"worker log tail:\n{worker.log()[-4000:]}"

    worker = WorkerProcess(pipe).start()
    producer = KafkaProducer(**settings.kafka_client_kwargs(), acks="all")
    stream = threading.Thread(target=_produce_steadily, args=(producer, settings.reports_topic, during, sent),
                              name="reports", daemon=True)
    try:
        publish_reports(settings, first)
        wait_until(lambda: len(slack_api.delivered()) >= 10, 300, lambda: f"the first alerts; {tail()}")
        # Mid-stream: reports keep coming while the broker goes away (the producer buffers and
        # retries, as `watchfloor ingest` does), and after it is back.
        stream.start()
        wait_until(lambda: len(sent) >= 10, 60, "the stream to be flowing")
        _take_down(own_broker, how)
        down_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        assert worker.process.poll() is None, f"the worker died with the broker; {tail()}"
        own_broker.start(timeout=180)
        outage = time.monotonic() - down_at
        stream.join(timeout=60)
        for future in sent:
            future.get(timeout=180)  # every report sent during the outage acknowledged
        publish_reports(settings, after)  # and the stream goes on

        wait_until(lambda: len({posted_alert_id(p) for p in slack_api.delivered()}) >= REPORTS, 420,
                   lambda: f"all {REPORTS} alerts in Slack (have "
                           f"{len({posted_alert_id(p) for p in slack_api.delivered()})}); {tail()}")
        smtp_server.wait_for(REPORTS, timeout=180)
        time.sleep(5)  # a double would show up now
        assert worker.process.poll() is None, f"the worker should still run; {tail()}"
    finally:
        producer.close(timeout=10)
        worker.stop()

    # The worker was never restarted, so the ledger leaves no crash window: exactly once.
    ids = [posted_alert_id(p) for p in slack_api.delivered()]
    assert len(ids) == len(set(ids)) == REPORTS, f"{len(ids)} Slack posts for {len(set(ids))} alerts"
    mail_ids = [m.message["Message-ID"] for m in smtp_server.received]
    assert len(mail_ids) == len(set(mail_ids)) == REPORTS, f"{len(mail_ids)} mails for {len(set(mail_ids))} alerts"
    events = topic_records(settings, settings.events_topic, expect=REPORTS)
    assert {e["report_id"] for e in events} == {r.id for r in reports}, "the events topic holds every report's event"
    dead = topic_records(settings, settings.dlq(settings.reports_topic), expect=0, timeout=5)
    assert dead == [], f"a broker outage must not dead-letter good reports: {[d['reason'] for d in dead][:3]}"
    print(f"broker {how.name}: outage {outage:.1f}s (down {OUTAGE_SECONDS}s + restart)")
