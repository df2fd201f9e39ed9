"""The whole path against real peers: a real Kafka broker, the real worker process, a local
Slack Web API server (slack-sdk makes real HTTP requests) and a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from kafka import KafkaProducer

from streams.kafka_io import ensure_topics

from .worker import Pipeline, WorkerProcess, topic_records, wait_until

pytestmark = pytest.mark.integration

SEED = Path(__file__).resolve().parents[2] / "samples" / "000_59a2029cee1cc623.txt"
TOKEN = "xoxb-e2e-test-token"




@pytest.fixture
def pipeline(kafka_bootstrap, tmp_path, slack_api, smtp_server) -> Pipeline:
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_SLACK_BOT_TOKEN": TOKEN,
        "WATCHFLOOR_SLACK_CHANNEL": "#syria-watch",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
        "WATCHFLOOR_SMTP_HOST": "127.0.0.1",
        "WATCHFLOOR_SMTP_PORT": str(smtp_server.port),
        "WATCHFLOOR_EMAIL_TO": "duty@example.org",
        "WATCHFLOOR_EMAIL_FROM": "watchfloor@example.org",
    })
    ensure_topics(pipe.settings)
    return pipe


def test_seed_report_becomes_slack_message_email_and_events(pipeline, slack_api, smtp_server):
    settings = pipeline.settings
    with WorkerProcess(pipeline) as worker:
        # The user's way in: `watchfloor ingest FILE`.
        ingest = subprocess.run([sys.executable, "-m", "streams.cli", "ingest", str(SEED)],
                                env=pipeline.env, capture_output=True, text=True, timeout=120)
        assert ingest.returncode == 0, ingest.stderr

        titles = ("Senior officer killed", "Group withdraws from province")
        wait_until(lambda: all(any(t in b["text"] for b in slack_api.messages()) for t in titles), 180, "both alerts")
        requests = slack_api.calls("chat.postMessage")
        mails = smtp_server.wait_for(len(requests), timeout=60)
        events = topic_records(settings, settings.events_topic, expect=3, timeout=60)
        assert worker.process.poll() is None, worker.log()

    bodies = [r.body for r in requests]
    assert all(r.token == TOKEN for r in requests)
    assert {b["channel"] for b in bodies} == {"#syria-watch"}
    senior = next(b for b in bodies if "Senior officer killed" in b["text"])
    rendered = json.dumps(senior["blocks"])
    for expected in ("Senior officer killed", "Maskanah", "Brigadier", "SY-HL", "IED"):
        assert expected in rendered, expected
    assert any("Group withdraws from province" in b["text"] for b in bodies)

    subjects = sorted(m.message["Subject"] for m in mails)
    assert any("Senior officer killed" in s for s in subjects), subjects
    senior_mail = next(m for m in mails if "Senior officer killed" in m.message["Subject"])
    assert senior_mail.rcpt_tos == ("duty@example.org",)
    assert "Brigadier" in senior_mail.part("plain") and "Maskanah" in senior_mail.part("html")

    # Downstream consumers read the extracted events with a plain kafka-python consumer.
    kinds = {(e["event_type"], e["acled_sub_event_type"]) for e in events}
    assert ("ASSAULT", "Remote explosive/landmine/IED") in kinds
    assert ("RETREAT", "Change to group/activity") in kinds
    ied = next(e for e in events if e["acled_sub_event_type"] == "Remote explosive/landmine/IED")
    assert ied["report_id"] == SEED.stem
    assert ied["fatalities"] == 3 and ied["location"]["admin1_code"] == "SY-HL"
    assert ied["schema_version"] == "1.0"


def test_bad_report_goes_to_dead_letter_topic_and_worker_goes_on(pipeline, slack_api):
    settings = pipeline.settings
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    with WorkerProcess(pipeline) as worker:
        producer.send(settings.reports_topic, key=b"bad-1", value=b'{"id": "bad-1", "text": ').get(timeout=30)
        producer.send(settings.reports_topic, key=b"bad-2", value=b'{"id": "bad-2"}').get(timeout=30)
        good = {"id": "good-1", "text": "A Brigadier in the regime forces was killed in an IED explosion near Maskanah."}
        producer.send(settings.reports_topic, key=b"good-1", value=json.dumps(good).encode()).get(timeout=30)
        producer.close()

        dead = topic_records(settings, settings.dlq(settings.reports_topic), expect=2, timeout=180)
        slack_api.wait_for(1, timeout=120)  # the good report after the bad ones still alerts
        assert worker.process.poll() is None, worker.log()

    by_key = {d["key"]: d for d in dead}
    assert set(by_key) == {"bad-1", "bad-2"}
    assert by_key["bad-1"]["reason"].startswith("invalid report: invalid JSON")
    assert "text" in by_key["bad-2"]["reason"] and "Field required" in by_key["bad-2"]["reason"]
    for record in dead:
        assert record["topic"] == settings.reports_topic
        assert isinstance(record["partition"], int) and isinstance(record["offset"], int)
        assert record["stage"] == "extract"
    assert by_key["bad-1"]["value"] == {"text": '{"id": "bad-1", "text": '}
