"""Integration tests of the local Kafka broker (streams.broker) and the session fixture."""

from __future__ import annotations

import os
import socket

import pytest
from kafka import KafkaConsumer, KafkaProducer

from streams.broker import BrokerError, KafkaBroker, fetch_jars, free_port, free_ports

pytestmark = pytest.mark.integration


def test_produce_and_consume_round_trip(kafka_bootstrap: str, make_topics) -> None:
    (topic,) = make_topics("roundtrip", partitions=1)  # one partition: order is kept
    payloads = [b"report-1", b"report-2", b"report-3"]

    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap)
    try:
        for payload in payloads:
            producer.send(topic, value=payload).get(timeout=30)
    finally:
        producer.close()

    consumer = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, group_id=None,
                             auto_offset_reset="earliest", consumer_timeout_ms=20_000)
    received = []
    try:
        for message in consumer:  # ends after 20 s without messages, so never hangs
            received.append(message.value)
            if len(received) == len(payloads):
                break
    finally:
        consumer.close()
    assert received == payloads


def test_second_broker_on_the_fixture_port_fails(kafka_bootstrap: str, tmp_path) -> None:
    host, port = kafka_bootstrap.rsplit(":", 1)
    if host not in ("127.0.0.1", "localhost"):
        pytest.skip(f"the broker at {kafka_bootstrap} is not on this machine")
    second = KafkaBroker(tmp_path / "second", port=int(port), controller_port=free_port())
    with pytest.raises(BrokerError, match=rf"127\.0\.0\.1:{port}\b.*already in use"):
        second.start(timeout=30)
    assert not second.status().running


def test_start_on_a_taken_controller_port_fails(tmp_path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        broker = KafkaBroker(tmp_path / "b", port=free_port(), controller_port=taken)
        with pytest.raises(BrokerError, match=rf"controller port 127\.0\.0\.1:{taken}\b"):
            broker.start(timeout=30)
    assert not broker.status().running
    assert not (tmp_path / "b" / "broker.pid").exists()


def test_status_of_a_never_started_broker(tmp_path) -> None:
    status = KafkaBroker(tmp_path / "idle", port=19092, controller_port=19093).status()
    assert (status.running, status.pid, status.bootstrap) == (False, None, "127.0.0.1:19092")


@pytest.mark.skipif(bool(os.environ.get("WATCHFLOOR_KAFKA_BOOTSTRAP")),
                    reason="uses an external broker; starting local ones is not wanted")
def test_stopped_broker_reports_not_running(tmp_path) -> None:
    port, controller_port = free_ports(2)
    broker = KafkaBroker(tmp_path / "own", port=port, controller_port=controller_port,
                         libs=fetch_jars())
    started = broker.start(timeout=90)
    try:
        assert started.running and started.pid is not None
        assert broker.pid_path.read_text().strip() == str(started.pid)
    finally:
        broker.stop()
    assert not broker.status().running
    assert broker.status().pid is None
    assert not broker.pid_path.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(started.pid, 0)  # the JVM is gone, not merely forgotten
