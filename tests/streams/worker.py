"""The real worker as a subprocess, for integration tests (faust runs as it does for users)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from streams.settings import Settings


@dataclass
class Pipeline:
    """Unique topics, consumer group and state dir for one test, plus the env that says so."""

    bootstrap: str
    root: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHFLOOR_")}
        env.update({
            "WATCHFLOOR_KAFKA_BOOTSTRAP": self.bootstrap,
            "WATCHFLOOR_APP_ID": f"wf-test-{self.run_id}",
            "WATCHFLOOR_REPORTS_TOPIC": f"t-{self.run_id}.reports",
            "WATCHFLOOR_EVENTS_TOPIC": f"t-{self.run_id}.events",
            "WATCHFLOOR_ALERTS_TOPIC": f"t-{self.run_id}.alerts",
            "WATCHFLOOR_DELIVERIES_DLQ_TOPIC": f"t-{self.run_id}.deliveries.dlq",
            "WATCHFLOOR_DELIVERIES_RETRY_TOPIC": f"t-{self.run_id}.deliveries.retry",
            "WATCHFLOOR_GROUPS_TOPIC": f"t-{self.run_id}.alerts.groups",
            "WATCHFLOOR_GROUPS_DUE_TOPIC": f"t-{self.run_id}.alerts.groups.due",
            "WATCHFLOOR_SILENCES_TOPIC": f"t-{self.run_id}.silences",
            "WATCHFLOOR_DATA_DIR": str(self.root / "var"),
            "WATCHFLOOR_OUTBOX_DIR": str(self.root / "outbox"),
            "WATCHFLOOR_BATCH_WINDOW_SECONDS": "0.05",
        })
        env.update(self.extra_env)
        return env

    @property
    def settings(self) -> Settings:
        variables = {k[len("WATCHFLOOR_"):].lower(): v for k, v in self.env.items() if k.startswith("WATCHFLOOR_")}
        return Settings(_env_file=None, **variables)


class WorkerProcess:
    """`watchfloor worker` in its own process group; stopped with SIGTERM (or killed)."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        self.log_path = pipeline.root / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "WorkerProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # Its own working directory: `python -m` puts the cwd first on sys.path, and a test's
        # `rules/` folder there must not shadow the `rules` package.
        workdir = self.pipeline.root / "cwd"
        workdir.mkdir(exist_ok=True)
        with self.log_path.open("wb") as log:
            # WATCHFLOOR_TEST_WORKER_LOGLEVEL=debug: the workers' logs with faust's and aiokafka's detail.
            loglevel = os.environ.get("WATCHFLOOR_TEST_WORKER_LOGLEVEL", "info")
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streams.cli", "worker", "--loglevel", loglevel], env=self.pipeline.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=workdir,
            )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 30) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return self.process.wait(timeout=10)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> "WorkerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_until(predicate, timeout: float, what):
    """Poll `predicate` until it returns something truthy (returned); AssertionError on timeout.

    `what` says what was awaited; a callable is called only then (e.g. to add a log tail)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what() if callable(what) else what}")


def receiver_env(slack_api, smtp_server) -> dict[str, str]:
    """Worker settings that point Slack and email at the local peers (tests/peers)."""
    return {
        "WATCHFLOOR_SLACK_BOT_TOKEN": "xoxb-faults",
        "WATCHFLOOR_SLACK_CHANNEL": "C0FAULTS",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
        "WATCHFLOOR_SMTP_HOST": "127.0.0.1",
        "WATCHFLOOR_SMTP_PORT": str(smtp_server.port),
        "WATCHFLOOR_EMAIL_TO": "duty@example.org",
    }


def posted_alert_id(post: dict) -> str:
    """The alert id a Slack message carries (in its context block)."""
    import json
    import re

    return re.search(r"al-[0-9a-f]{20}", json.dumps(post["blocks"])).group(0)


def topic_records(settings: Settings, topic: str, expect: int, timeout: float = 120.0,
                  until=lambda records: False) -> list[dict]:
    """Records of `topic` from the beginning, decoded: polls until at least `expect` arrived,
    or `until(records)` holds, or `timeout`; then once more briefly, so a surplus shows too."""
    import json
    import time

    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, **settings.kafka_client_kwargs(), group_id=None,
                             auto_offset_reset="earliest", enable_auto_commit=False)
    records: list[dict] = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expect and not until(records) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(json.loads(r.value) for r in batch)
        for batch in consumer.poll(timeout_ms=1500).values():
            records.extend(json.loads(r.value) for r in batch)
    finally:
        consumer.close()
    return records
