"""All configuration in one pydantic-settings model: environment (WATCHFLOOR_*) and `.env`.

Secrets are SecretStr: they never print, in `config show`, logs or DLQ records.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split(value: Any, separator: str) -> Any:
    """"a@x, b@y" -> ["a@x", "b@y"]; JSON lists are accepted too."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            import json

            return json.loads(text)
        return [part.strip() for part in text.split(separator) if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHFLOOR_", env_file=".env", extra="ignore")

    # Kafka
    kafka_bootstrap: str = "127.0.0.1:9092"
    app_id: str = "watchfloor"
    partitions: int = Field(2, ge=1)
    reports_topic: str = "watchfloor.reports"
    events_topic: str = "watchfloor.events"
    alerts_topic: str = "watchfloor.alerts"
    dlq_suffix: str = ".dlq"
    # Kafka security, passed to faust and to kafka-python alike
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    # A worker that dies (kill -9, lost host) holds its partitions until this runs out.
    session_timeout_seconds: float = Field(10.0, gt=0)
    deliveries_dlq_topic: str = "watchfloor.deliveries.dlq"
    deliveries_retry_topic: str = "watchfloor.deliveries.retry"
    # Group wait (alerts/noise/group.py): members by group key, and when each group is due.
    groups_topic: str = "watchfloor.alerts.groups"
    groups_due_topic: str = "watchfloor.alerts.groups.due"
    silences_topic: str = "watchfloor.silences"  # compacted; every worker reads all of it

    # Extraction
    spacy_model: str = "en_core_web_sm"
    gazetteer_min_population: int = 5000
    batch_size: int = Field(16, ge=1)
    batch_window_seconds: float = Field(0.2, gt=0)
    classifier: Path | None = None  # a directory written by `watchfloor train` (WATCHFLOOR_CLASSIFIER)

    # Rules and receivers
    rules_dirs: Annotated[list[Path], NoDecode] = Field(default_factory=list)  # os.pathsep-separated
    # Named receivers and the routing tree (docs/receivers.md); without it, `slack` and `email`
    # below are the receivers and each rule's `notify` picks among them.
    receivers_file: Path | None = None
    rules_reload_seconds: float = Field(2.0, gt=0)  # how often workers look for rule changes

    # Delivery: brief attempts in line, then the retry queue until a receiver is back
    delivery_inline_attempts: int = Field(3, ge=1)
    delivery_retry_cap_seconds: float = Field(60.0, gt=0)
    delivery_max_age_seconds: float = Field(24 * 3600.0, gt=0)  # then the deliveries DLQ

    # Local state: the delivery ledger; rendered messages when no receiver is configured
    data_dir: Path = Path("var")
    outbox_dir: Path = Path("outbox")

    # Slack (bot token + channel; base_url points slack-sdk at another API host)
    slack_bot_token: SecretStr | None = None
    slack_channel: str | None = None
    slack_base_url: str | None = None

    # Email
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_tls: bool = False
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    email_from: str = "watchfloor@localhost"
    email_to: Annotated[list[str], NoDecode] = Field(default_factory=list)  # comma-separated

    # Worker web server (faust's); off unless a port is chosen
    web_port: int | None = None
    web_bind: str = "127.0.0.1"  # 0.0.0.0 in a container, so /metrics can be scraped
    http_max_body_bytes: int = Field(1_048_576, ge=1)  # POST /reports bodies above this get 413

    # RSS/Atom feeds polled by `watchfloor ingest --once` / `--interval` (comma-separated or JSON list)
    feeds: Annotated[list[str], NoDecode] = Field(default_factory=list)
    feed_interval_seconds: float = Field(300.0, gt=0)

    # Logging: "json" writes one JSON object per line (streams/logs.py)
    log_format: Literal["text", "json"] = "text"

    @field_validator("email_to", mode="before")
    @classmethod
    def _emails(cls, value: Any) -> Any:
        return _split(value, ",")

    @field_validator("feeds", mode="before")
    @classmethod
    def _feeds(cls, value: Any) -> Any:
        return _split(value, ",")

    @field_validator("rules_dirs", mode="before")
    @classmethod
    def _dirs(cls, value: Any) -> Any:
        return _split(value, os.pathsep)

    def kafka_client_kwargs(self) -> dict:
        """Connection settings for kafka-python clients (producer, consumer, admin)."""
        kwargs: dict = {"bootstrap_servers": self.kafka_bootstrap, "security_protocol": self.kafka_security_protocol}
        if self.kafka_security_protocol.startswith("SASL"):
            kwargs.update(sasl_mechanism=self.kafka_sasl_mechanism, sasl_plain_username=self.kafka_sasl_username,
                          sasl_plain_password=self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None)
        if self.kafka_ssl_cafile:
            kwargs["ssl_cafile"] = str(self.kafka_ssl_cafile)
        return kwargs

    def faust_credentials(self):
        """The same settings as faust `broker_credentials` (None for PLAINTEXT)."""
        if self.kafka_security_protocol == "PLAINTEXT":
            return None
        import ssl

        import faust

        context = None
        if self.kafka_security_protocol.endswith("SSL"):
            context = ssl.create_default_context(cafile=str(self.kafka_ssl_cafile) if self.kafka_ssl_cafile else None)
        if self.kafka_security_protocol.startswith("SASL"):
            return faust.SASLCredentials(
                username=self.kafka_sasl_username,
                password=self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None,
                mechanism=self.kafka_sasl_mechanism, ssl_context=context)
        return faust.SSLCredentials(context)

    def dlq(self, topic: str) -> str:
        return f"{topic}{self.dlq_suffix}"

    def all_topics(self) -> list[str]:
        stages = [self.reports_topic, self.events_topic, self.alerts_topic]
        return [*stages, *(self.dlq(t) for t in stages), self.deliveries_dlq_topic, self.deliveries_retry_topic,
                self.groups_topic, self.groups_due_topic, self.silences_topic]

    def redacted(self) -> dict:
        """The effective configuration with every secret replaced by '**********'.

        Not only SecretStr fields: any field whose name says secret, and passwords or tokens
        written into URLs (`https://user:pw@host`, `?token=...`) anywhere in a value.
        """
        return {name: MASK if isinstance(getattr(self, name), SecretStr) else redact_value(name, value)
                for name, value in self.model_dump(mode="json").items()}


MASK = "**********"
_SECRET_NAME = re.compile(r"pass(word|wd)?$|password|secret|token|api_?key|credential|signature|^sig$|^key$|^auth", re.I)


def _redact_url(text: str) -> str:
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    bare = re.match(r"([^/@\s:]+):[^/@\s]+@(.*)", text)  # "user:pw@host:port" without a scheme
    if bare:
        return f"{bare.group(1)}:{MASK}@{bare.group(2)}"
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    netloc, query = parts.netloc, parts.query
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        netloc = f"{user}:{MASK}@{host}" if colon else f"{MASK}@{host}"
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if _SECRET_NAME.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def redact_value(name: str, value: Any) -> Any:
    """`value` of a setting called `name` as it may be shown: a secret-sounding name masks it,
    credentials in URLs are masked; mappings and lists are cleaned item by item."""
    if value is None:
        return None  # "not set" says nothing about a secret
    if _SECRET_NAME.search(name):
        return MASK
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(name, item) for item in value]
    if isinstance(value, str) and ("@" in value or "?" in value):
        return _redact_url(value)
    return value
