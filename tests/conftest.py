"""Shared fixtures: a real Kafka broker, an admin client on it, and throwaway topics.

Set ``WATCHFLOOR_KAFKA_BOOTSTRAP=host:port`` to test against a broker you already run;
otherwise one is started for the session (jars fetched once via Maven, see streams/broker).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

pytest_plugins = ["tests.peers.fixtures"]

# Property-based fuzzing (tests/fuzz): moderate example counts so `make test` stays quick; the
# "ci" profile (HYPOTHESIS_PROFILE=ci, or any run with CI set) is derandomized, so a CI run is
# repeatable.
settings.register_profile("default", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``host:port`` of a Kafka broker that is ready for clients."""
    external = os.environ.get("WATCHFLOOR_KAFKA_BOOTSTRAP")
    if external:
        yield external
        return
    from streams.broker import KafkaBroker, fetch_jars, free_ports

    # Free ports rather than 9092/9093, so a user's own broker or a second run can coexist.
    port, controller_port = free_ports(2)
    broker = KafkaBroker(tmp_path_factory.mktemp("kafka"), port=port,
                         controller_port=controller_port, libs=fetch_jars())
    broker.start(timeout=90)
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def kafka_admin(kafka_bootstrap: str):
    """A kafka-python ``KafkaAdminClient`` connected to :func:`kafka_bootstrap`."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap, client_id="watchfloor-tests")
    try:
        yield admin
    finally:
        admin.close()


@pytest.fixture
def make_topics(kafka_admin) -> Iterator[Callable[..., list[str]]]:
    """Factory: ``make_topics("reports", "alerts", partitions=1)`` -> the created topic names.

    Names get a random suffix so tests (and runs sharing one broker) never collide; the
    topics exist with leaders for every partition on return and are deleted afterwards.
    """
    created: list[str] = []

    def make(*prefixes: str, partitions: int = 1) -> list[str]:
        names = [f"{prefix}-{uuid.uuid4().hex[:10]}" for prefix in prefixes or ("test",)]
        # wait_for_metadata (kafka-python 3.x) blocks until every partition has a leader,
        # so producers and consumers never race topic creation.
        kafka_admin.create_topics({name: {"num_partitions": partitions} for name in names},
                                  wait_for_metadata=True)
        created.extend(names)
        return names

    yield make
    if created:
        kafka_admin.delete_topics(created, raise_errors=False)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> Callable[..., tuple[int, str, str]]:
    """`cli("rules", "check", path)` -> (exit code, stdout, stderr), run in-process from the
    repository root so file names print as in the docs (`rules/default/...`)."""
    from streams.cli import main

    monkeypatch.chdir(Path(__file__).resolve().parents[1])

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
