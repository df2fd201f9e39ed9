"""kafka-python at the edges: creating topics, publishing reports, reading topics, lag."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError, TopicAlreadyExistsError

from extraction.report import Report

from .settings import Settings


def ensure_topics(settings: Settings) -> None:
    """Create every watchfloor topic that does not exist yet (waits for partition leaders)."""
    admin = KafkaAdminClient(**settings.kafka_client_kwargs(), client_id="watchfloor-admin")
    try:
        existing = set(admin.list_topics())
        missing = {name: {"num_partitions": settings.partitions} for name in settings.all_topics() if name not in existing}
        if settings.silences_topic in missing:
            # Silences are few, read whole by every worker, and only the latest per id counts.
            missing[settings.silences_topic] = {"num_partitions": 1, "configs": {"cleanup.policy": "compact"}}
        if missing:
            try:
                admin.create_topics(missing, wait_for_metadata=True)
            except TopicAlreadyExistsError:
                pass  # another worker or test created it meanwhile
    finally:
        admin.close()


def publish_reports(settings: Settings, reports: Iterable[Report],
                    acked: Callable[[int], None] = lambda _n: None) -> int:
    """Send reports keyed by id; returns how many the broker acknowledged (`acked(1)` per ack)."""
    producer = KafkaProducer(**settings.kafka_client_kwargs(), acks="all", linger_ms=5)
    sent = 0
    try:
        futures = [
            producer.send(settings.reports_topic, key=report.id.encode(), value=report.model_dump_json(exclude_none=True).encode())
            for report in reports
        ]
        for future in futures:
            future.get(timeout=30)
            sent += 1
            acked(1)
    finally:
        producer.close()
    return sent


def read_topic(settings: Settings, topic: str, idle_seconds: float = 1.0, from_beginning: bool = True) -> Iterator[dict]:
    """Decoded JSON records of a topic until it stays idle for `idle_seconds`."""
    consumer = KafkaConsumer(
        topic, **settings.kafka_client_kwargs(), group_id=None,
        auto_offset_reset="earliest" if from_beginning else "latest",
        consumer_timeout_ms=int(idle_seconds * 1000), enable_auto_commit=False,
    )
    try:
        for message in consumer:
            yield json.loads(message.value)
    finally:
        consumer.close()


class LagProbe:
    """Reads how far a consumer group is behind on some topics (one admin, one consumer)."""

    def __init__(self, settings: Settings, group: str, topics: list[str]):
        self.group = group
        self.topics = topics
        self.admin = KafkaAdminClient(**settings.kafka_client_kwargs(), client_id="watchfloor-lag")
        self.consumer = KafkaConsumer(**settings.kafka_client_kwargs(), group_id=None,
                                      enable_auto_commit=False)

    def lag(self) -> int:
        """Messages on the topics that the group has not committed yet."""
        committed = self.admin.list_group_offsets(self.group).get(self.group, {})
        partitions = [TopicPartition(t, p) for t in self.topics for p in (self.consumer.partitions_for_topic(t) or ())]
        total = 0
        for tp, end in self.consumer.end_offsets(partitions).items():
            meta = committed.get(tp)
            done = meta.offset if meta is not None and meta.offset >= 0 else 0
            total += max(0, end - done)
        return total

    def close(self) -> None:
        self.consumer.close()
        self.admin.close()


def wait_drained(settings: Settings, group: str, timeout: float, settle: float = 2.0,
                 alive: Callable[[], bool] = lambda: True, on_lag: Callable[[int], None] = lambda _lag: None) -> bool:
    """True once the group has committed everything on the three stage topics for `settle` s.

    Returns False on timeout or as soon as `alive()` says the worker is gone. `on_lag` gets
    each lag read (-1 while the group coordinator is not up yet).
    """
    probe = LagProbe(settings, group, [settings.reports_topic, settings.events_topic, settings.alerts_topic])
    deadline = time.monotonic() + timeout
    quiet_since = None
    try:
        while time.monotonic() < deadline and alive():
            try:
                lag = probe.lag()
            except KafkaError:
                lag = -1  # the group coordinator is still coming up: not drained yet
            on_lag(lag)
            if lag == 0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= settle:
                    return True
            else:
                quiet_since = None
            time.sleep(0.5)
        return False
    finally:
        probe.close()
