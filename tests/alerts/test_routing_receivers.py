"""The receivers file -> receivers with secrets from the environment -> channels."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from kafka.errors import KafkaConnectionError, KafkaTimeoutError, MessageSizeTooLargeError, TopicAuthorizationFailedError

from alerts.channels.outbox import OutboxChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.smtp import SmtpChannel
from alerts.channels.topic import TopicChannel, classify_kafka_error
from alerts.channels.webhook import WebhookChannel, alert_json, slack_webhook_body
from alerts.receivers import load_receivers
from alerts.receivers.build import channel_for
from streams.runtime import build_channels
from streams.settings import Settings
from tests import factories as f

DESK = Path(__file__).parent / "routing_files" / "desk.yaml"
ENV = {"SLACK_TOKEN_OPS": "xoxb-from-env"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "receivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_secrets_come_from_the_environment_and_never_print() -> None:
    config = load_receivers(DESK, env=ENV)
    slack = config.receivers["slack:syria-watch"]
    assert slack.secret("token") == "xoxb-from-env"
    assert "xoxb-from-env" not in repr(slack) and "xoxb-from-env" not in str(slack.redacted())
    channel = channel_for(slack)
    assert isinstance(channel, SlackChannel) and channel.channel == "#syria-watch"
    assert "xoxb-from-env" not in repr(channel)


def test_an_unset_secret_is_an_error_for_the_worker_and_a_warning_for_the_cli() -> None:
    strict = load_receivers(DESK, env={})
    assert [d.code for d in strict.errors] == ["R009"] and strict.receivers == {} and strict.tree is None
    lenient = load_receivers(DESK, env={}, need_secrets=False)
    assert lenient.errors == [] and [d.severity for d in lenient.diagnostics] == ["warning"]
    assert lenient.tree is not None


EMAIL = """receivers:
  duty:
    type: email
    host: smtp.example.org
    security: {security}
    username: duty
    password_env: DUTY_SMTP_PASSWORD
    from: watchfloor@example.org
    to: [duty@example.org, deputy@example.org]
    cc: [archive@example.org]
"""


@pytest.mark.parametrize(("security", "port", "starttls", "use_tls"), [
    ("starttls", 587, True, False), ("tls", 465, False, True), ("none", 25, False, False)])
def test_email_security_picks_the_port_and_the_tls_mode(tmp_path, security, port, starttls, use_tls) -> None:
    config = load_receivers(write(tmp_path, EMAIL.format(security=security)), env={"DUTY_SMTP_PASSWORD": "pw"})
    channel = channel_for(config.receivers["duty"])
    assert isinstance(channel, SmtpChannel)
    assert (channel.port, channel.starttls, channel.use_tls) == (port, starttls, use_tls)
    assert channel.to == ("duty@example.org", "deputy@example.org") and channel.cc == ("archive@example.org",)
    assert (channel.username, channel._password, channel.sender) == ("duty", "pw", "watchfloor@example.org")


def test_webhook_headers_from_the_file_and_from_the_environment(tmp_path) -> None:
    path = write(tmp_path, """receivers:
  ops:
    type: webhook
    url_env: OPS_HOOK_URL
    method: PUT
    headers: {X-Team: syria}
    headers_env: {Authorization: OPS_HOOK_AUTH}
    timeout: 3
""")
    config = load_receivers(path, env={"OPS_HOOK_URL": "https://h.example/x?token=t", "OPS_HOOK_AUTH": "Bearer s"})
    channel = channel_for(config.receivers["ops"])
    assert isinstance(channel, WebhookChannel) and channel.body is alert_json
    assert (channel._url, channel.method, channel.timeout) == ("https://h.example/x?token=t", "PUT", 3)
    headers = channel.request_headers(f.seed_alert())
    assert headers["X-Team"] == "syria" and headers["Authorization"] == "Bearer s"


def test_slack_incoming_webhook_is_a_webhook_with_the_block_kit_body(tmp_path) -> None:
    path = write(tmp_path, "receivers:\n  slack:hook: {type: slack, webhook_url_env: SLACK_HOOK}\n")
    config = load_receivers(path, env={"SLACK_HOOK": "https://hooks.slack.com/services/T/B/x"})
    channel = channel_for(config.receivers["slack:hook"])
    assert isinstance(channel, WebhookChannel) and channel.body is slack_webhook_body and not channel.idempotency


class RecordingPublish:
    """Stands in for the Kafka producer: records each record, or raises what it is given."""

    def __init__(self, error: Exception | None = None) -> None:
        self.records: list[tuple[str, bytes, bytes]] = []
        self.error = error

    async def __call__(self, topic: str, key: bytes, value: bytes) -> None:
        self.records.append((topic, key, value))
        if self.error is not None:
            raise self.error


def test_kafka_receiver_publishes_the_alert_keyed_by_incident() -> None:
    publish = RecordingPublish()
    config = load_receivers(DESK, env=ENV)
    channel = channel_for(config.receivers["archive"], publish)
    alert = f.seed_alert()
    result = asyncio.run(channel.send(alert))
    assert isinstance(channel, TopicChannel) and result.ok and result.ref == f"watchfloor.routed:{alert.alert_id}"
    assert publish.records == [("watchfloor.routed", alert.incident_key.encode(), alert.model_dump_json().encode())]


@pytest.mark.parametrize(("error", "status"), [
    (KafkaTimeoutError("no ack"), "retryable"), (KafkaConnectionError("refused"), "retryable"), (TimeoutError(), "retryable"),
    (MessageSizeTooLargeError("too big"), "permanent"), (TopicAuthorizationFailedError(), "permanent")])
def test_kafka_errors_are_classified(error, status) -> None:
    assert classify_kafka_error(error).status == status
    result = asyncio.run(TopicChannel("archive", "t", RecordingPublish(error)).send(f.seed_alert()))
    assert result.status == status


def test_without_a_file_the_default_receivers_are_exactly_slack_and_email(tmp_path) -> None:
    channels = build_channels(Settings(_env_file=None, outbox_dir=tmp_path))
    assert list(channels) == ["slack", "email"]
    assert all(isinstance(c, OutboxChannel) for c in channels.values())


def test_the_files_receivers_join_the_defaults_and_replace_one_of_the_same_name(tmp_path) -> None:
    path = write(tmp_path, "receivers:\n  email: {type: webhook, url: 'https://h.example/mail'}\n"
                           "  archive: {type: kafka, topic: routed}\n")
    settings = Settings(_env_file=None, outbox_dir=tmp_path, slack_bot_token="xoxb-env", slack_channel="#env")
    channels = build_channels(settings, load_receivers(path, env={}), RecordingPublish())
    assert list(channels) == ["slack", "email", "archive"]
    assert isinstance(channels["slack"], SlackChannel) and channels["slack"].channel == "#env"
    assert isinstance(channels["email"], WebhookChannel) and isinstance(channels["archive"], TopicChannel)


FILE_MISTAKES = [
    ("empty file", "", "R008"),
    ("two documents", "receivers: {}\n---\nreceivers: {}\n", "R003"),
    ("not a mapping", "- a\n- b\n", "R003"),
    ("receivers not a mapping", "receivers: [a, b]\n", "R003"),
    ("no receivers section", "route: {receivers: [email]}\n", "R008"),
    ("missing type", "receivers:\n  x: {url: 'https://h.example'}\n", "R008"),
    ("bad env name", "receivers:\n  x: {type: slack, channel: '#c', token_env: 'not a name'}\n", "R003"),
    ("reserved header", "receivers:\n  x: {type: webhook, url: 'https://h.example', headers: {Idempotency-Key: k}}\n", "R003"),
    ("CR/LF in header", "receivers:\n  x: {type: webhook, url: 'https://h.example', headers: {X-A: \"a\\r\\nB: c\"}}\n", "R003"),
    ("not a URL", "receivers:\n  x: {type: webhook, url: 'ftp://h.example'}\n", "R003"),
    ("both slack ways", "receivers:\n  x: {type: slack, channel: '#c', token_env: T, webhook_url_env: W}\n", "R003"),
    ("login without password", "receivers:\n  x: {type: email, host: h, from: a@b.c, to: [d@e.f], username: u}\n", "R003"),
    ("no recipients", "receivers:\n  x: {type: email, host: h, from: a@b.c, to: []}\n", "R003"),
    ("bad topic name", "receivers:\n  x: {type: kafka, topic: 'no spaces'}\n", "R003"),
    ("duplicate receiver", "receivers:\n  x: {type: kafka, topic: a}\n  x: {type: kafka, topic: b}\n", "R007"),
]


@pytest.mark.parametrize(("text", "code"), [c[1:] for c in FILE_MISTAKES], ids=[c[0] for c in FILE_MISTAKES])
def test_each_mistake_is_located_and_nothing_is_kept(tmp_path, text: str, code: str) -> None:
    config = load_receivers(write(tmp_path, text), env={"T": "t", "W": "w"})
    assert code in [d.code for d in config.errors], config.diagnostics
    assert config.receivers == {} and config.tree is None
    assert all(str(d).startswith(f"{tmp_path / 'receivers.yaml'}:") for d in config.errors)


def test_the_worker_refuses_to_start_on_a_broken_receivers_file(tmp_path, caplog) -> None:
    from streams.runtime import Runtime

    path = write(tmp_path, "receivers:\n  x: {type: slack, channel: '#c', token_env: WATCHFLOOR_TEST_UNSET}\n")
    settings = Settings(_env_file=None, receivers_file=path, data_dir=tmp_path / "var")
    with pytest.raises(SystemExit, match="the receivers file has 1 error"):
        Runtime.build(settings)  # before any model is loaded: the secret is missing
    assert "R009 environment variable WATCHFLOOR_TEST_UNSET is not set" in caplog.text
