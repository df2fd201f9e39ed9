"""Hostile and broken input on the reports topic of a running worker (issue 8, item 4).

Each message lands in the reports DLQ with its reason, the worker goes on, and a valid report
sent right after them (in the same extract batch) still produces its alert. The reports topic
here accepts messages up to 4 MB, as a deployment with big reports would configure it, so a
~2 MB report really reaches the worker.
"""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from kafka import KafkaProducer
from kafka.admin import NewTopic

from streams.kafka_io import ensure_topics

from .worker import Pipeline, WorkerProcess, receiver_env, topic_records, wait_until

pytestmark = pytest.mark.integration

HUGE = b'{"id": "h-huge", "text": "' + b"x" * 2_000_000 + b'"}'
# key -> (message value, the reason its dead letter must give)
HOSTILE: dict[str, tuple[bytes | None, str]] = {
    "h-json": (b'{"id": "h-json", "text": ', "invalid report: invalid JSON: Expecting value at line 1 column 26"),
    "h-missing": (b'{"id": "h-missing"}', "invalid report: text: Field required"),
    "h-types": (b'{"id": "h-types", "text": 42, "published_at": [1]}',
                "invalid report: text: Input should be a valid string; published_at: Input should be a valid datetime"),
    "h-empty": (b'{"id": "h-empty", "text": ""}', "invalid report: text: String should have at least 1 character"),
    "h-blank": (b'{"id": "h-blank", "text": " \\n\\t "}', "invalid report: text: text is blank"),
    "h-huge": (HUGE, "invalid report: text: String should have at most 200000 characters"),
    "h-utf8": (b'{"id": "h-utf8", "text": "\xff\xfe"}', "invalid report: not UTF-8: invalid start byte at byte 26"),
    "h-deep": (b'{"id": "h-deep", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
               "invalid report: invalid JSON: nested too deeply"),
    "h-number": (b'{"id": "h-number", "text": ' + b"9" * 5000 + b"}",
                 "invalid report: invalid JSON: a number longer than 4300 digits"),
    "h-array": (b"[1, 2]", "invalid report: a report must be a JSON object, got list"),
    "h-null": (None, "invalid report: empty message (no value)"),
}
GOOD = {"id": "h-good", "text": "A Brigadier in the regime forces was killed in an IED explosion near Maskanah."}


def test_hostile_reports_each_land_in_the_dlq_with_their_reason_and_the_worker_goes_on(
        kafka_bootstrap, kafka_admin, tmp_path, slack_api, smtp_server):
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env=receiver_env(slack_api, smtp_server))
    settings = pipe.settings
    kafka_admin.create_topics([NewTopic(settings.reports_topic, settings.partitions, 1,
                                        topic_configs={"max.message.bytes": str(4 * 1024 * 1024)})],
                              wait_for_metadata=True)
    ensure_topics(settings)  # the others, at the broker's default limit (~1 MB)
    producer = KafkaProducer(**settings.kafka_client_kwargs(), acks="all", max_request_size=4 * 1024 * 1024,
                             linger_ms=50)
    with WorkerProcess(pipe) as worker:
        # All on one partition (same key) and in one burst: the good one shares a batch with them.
        futures = [producer.send(settings.reports_topic, key=b"hostile", value=value) for value, _ in HOSTILE.values()]
        futures.append(producer.send(settings.reports_topic, key=b"hostile", value=json.dumps(GOOD).encode()))
        for future in futures:
            future.get(timeout=60)
        producer.close()

        dead = topic_records(settings, settings.dlq(settings.reports_topic), expect=len(HOSTILE), timeout=300)
        posts = slack_api.wait_for(1, timeout=180)  # the good report after them still alerts
        assert worker.process.poll() is None, worker.log()[-3000:]

    assert [p for p in posts if "Maskanah" in json.dumps(p.body)], "the good report's alert"
    assert len(dead) == len(HOSTILE), [d["reason"][:80] for d in dead]
    # In the order sent (one partition), each with its own reason and its original bytes.
    for record, (key, (value, reason)) in zip(sorted(dead, key=lambda d: d["offset"]), HOSTILE.items()):
        assert record["reason"] == reason, key
        assert record["stage"] == "extract" and record["topic"] == settings.reports_topic, key
        assert record["key"] == "hostile"
        kept = record["value"]
        if value is None:
            assert kept is None
        elif key == "h-huge":
            # Bigger than a Kafka message on the DLQ: a prefix, its size and hash; the whole
            # report stays on the reports topic at the recorded offset.
            assert kept["truncated"] is True and kept["bytes"] == len(HUGE)
            assert kept["sha256"] == hashlib.sha256(HUGE).hexdigest() and HUGE.startswith(kept["text"].encode())
        elif "base64" in kept:
            assert base64.b64decode(kept["base64"]) == value, key
        else:
            assert kept["text"].encode() == value, key
