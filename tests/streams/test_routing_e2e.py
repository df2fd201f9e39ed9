"""Receivers file and routing tree through the real worker: critical alerts to a webhook and a
Kafka topic, the rest to the default email receiver, nothing to the unrouted Slack."""

from __future__ import annotations

import time

import pytest

from alerts.model import Alert
from extraction.report import Report
from streams.kafka_io import ensure_topics, publish_reports, read_topic
from tests.peers.webhook_server import WebhookServer

from .worker import Pipeline, WorkerProcess

pytestmark = pytest.mark.integration

RECEIVERS = """receivers:
  ops-webhook:
    type: webhook
    url: {url}
    headers_env: {{Authorization: E2E_HOOK_AUTH}}
  archive:
    type: kafka
    topic: {topic}
route:
  receivers: [email]
  routes:
    - name: critical
      matchers: [level=critical, country_code=SYR]
      receivers: [ops-webhook, archive]
"""


@pytest.fixture
def hook():
    with WebhookServer() as server:
        yield server


def test_the_tree_decides_where_each_alert_goes(kafka_bootstrap, tmp_path, smtp_server, hook, make_topics):
    [routed_topic] = make_topics("routed")
    receivers = tmp_path / "receivers.yaml"
    receivers.write_text(RECEIVERS.format(url=hook.url, topic=routed_topic), encoding="utf-8")
    pipeline = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_RECEIVERS_FILE": str(receivers),
        "E2E_HOOK_AUTH": "Bearer e2e-secret",
        "WATCHFLOOR_SMTP_HOST": "127.0.0.1",
        "WATCHFLOOR_SMTP_PORT": str(smtp_server.port),
        "WATCHFLOOR_EMAIL_TO": "duty@example.org",
    })
    ensure_topics(pipeline.settings)
    report = Report(id="routed-1", text="A Brigadier in the regime forces was killed in an IED explosion near Maskanah.")
    with WorkerProcess(pipeline) as worker:
        publish_reports(pipeline.settings, [report])
        [request] = hook.wait_for(1, timeout=180)
        mails = smtp_server.wait_for(1, timeout=60)
        time.sleep(3)  # anything late would be a double
        assert worker.process.poll() is None, worker.log()

    alert = Alert.model_validate(request.json())
    assert alert.rule_id == "senior-officer-killed" and alert.level == "critical"
    assert alert.receivers == ("ops-webhook", "archive")  # the tree's choice, not the rule's notify
    assert request.headers["authorization"] == "Bearer e2e-secret"
    assert request.headers["idempotency-key"] == f"{alert.alert_id}:ops-webhook"
    assert len(hook.requests) == 1

    archived = list(read_topic(pipeline.settings, routed_topic, idle_seconds=3))
    assert [a["alert_id"] for a in archived] == [alert.alert_id]

    # The other alerts on this report are not critical: the root's default, email, has them.
    mails = smtp_server.received
    assert all("Senior officer killed" not in m.message["Subject"] for m in mails)
    # Slack is a receiver (the outbox here) that no route names: nothing went there.
    assert not list((tmp_path / "outbox").glob("*.slack.json"))
