"""The edges, built once per worker from Settings: model, rules, receivers, routes, ledger, clock."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from collections.abc import Callable

from alerts.channels.base import Channel
from alerts.channels.outbox import OutboxChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.smtp import SmtpChannel
from alerts.channels.topic import Publish
from alerts.deliver.ledger import SqliteLedger
from alerts.receivers.build import channel_for
from alerts.receivers.load import ReceiversConfig, load_receivers
from alerts.routing.tree import Route
from extraction.pipeline import Extractor, PipelineConfig
from rules.loader import DEFAULT_RECEIVERS, RuleSet, load_rules

from .settings import Settings

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class KafkaPublisher:
    """Publishes records for kafka receivers: one kafka-python producer, made on first use.

    kafka-python blocks, so each send runs in a thread and is awaited until acknowledged.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._producer = None

    def _send(self, topic: str, key: bytes, value: bytes) -> None:
        from kafka import KafkaProducer

        with self._lock:
            if self._producer is None:
                self._producer = KafkaProducer(**self.settings.kafka_client_kwargs(), acks="all")
            producer = self._producer
        producer.send(topic, key=key, value=value).get(timeout=30)

    async def __call__(self, topic: str, key: bytes, value: bytes) -> None:
        await asyncio.to_thread(self._send, topic, key, value)


def load_receivers_file(settings: Settings, need_secrets: bool = True) -> ReceiversConfig | None:
    """The receivers file named by WATCHFLOOR_RECEIVERS_FILE, loaded; None when none is set."""
    if settings.receivers_file is None:
        return None
    return load_receivers(settings.receivers_file, defaults=DEFAULT_RECEIVERS, reserved_topics=settings.all_topics(),
                          need_secrets=need_secrets)


def receiver_names(settings: Settings) -> tuple[str, ...]:
    """Every receiver a rule's `notify` or a route may name: the defaults and the file's."""
    config = load_receivers_file(settings, need_secrets=False)
    return tuple(dict.fromkeys([*DEFAULT_RECEIVERS, *(config.receivers if config else ())]))


def build_channels(settings: Settings, receivers: ReceiversConfig | None = None,
                   publish: Publish | None = None) -> dict[str, Channel]:
    """The default receivers `slack` and `email` (real when configured, else the outbox), then
    the receivers file's (one with a default's name replaces it)."""
    channels = _default_channels(settings)
    publish = publish or KafkaPublisher(settings)  # one producer for every kafka receiver
    for name, receiver in (receivers.receivers if receivers else {}).items():
        channels[name] = channel_for(receiver, publish)
    return channels


def _default_channels(settings: Settings) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    if settings.slack_bot_token and settings.slack_channel:
        channels["slack"] = SlackChannel(
            "slack", settings.slack_bot_token.get_secret_value(), settings.slack_channel,
            base_url=settings.slack_base_url,
        )
    else:
        channels["slack"] = OutboxChannel("slack", settings.outbox_dir, "slack")
    if settings.smtp_host and settings.email_to:
        channels["email"] = SmtpChannel(
            "email", settings.smtp_host, settings.smtp_port, settings.email_from, tuple(settings.email_to),
            starttls=settings.smtp_starttls, use_tls=settings.smtp_tls, username=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        )
    else:
        channels["email"] = OutboxChannel("email", settings.outbox_dir, "email", sender=settings.email_from)
    return channels


def actor_aliases():
    """The rules' `alias:` lookup: an alias of the actor lexicon -> the actor's name."""
    from extraction.gazetteer.actors import load_actors

    lexicon = load_actors()

    def aliases(alias: str) -> set[str]:
        entry = lexicon.lookup(alias)
        return {entry.name} if entry else set()

    return aliases


def load_ruleset(settings: Settings, receivers: tuple[str, ...] | None = None) -> RuleSet:
    known = receivers if receivers is not None else receiver_names(settings)
    return load_rules(settings.rules_dirs or None, receivers=known, aliases=actor_aliases())


@dataclass
class Runtime:
    settings: Settings
    extractor: Extractor
    ruleset: RuleSet
    channels: dict[str, Channel]
    ledger: SqliteLedger
    clock: Callable[[], datetime] = field(default=utcnow)
    routes: Route | None = None  # None: each rule's `notify` names the receivers

    @classmethod
    def build(cls, settings: Settings) -> "Runtime":
        receivers = load_receivers_file(settings)
        if receivers is not None:
            for diagnostic in receivers.diagnostics:
                (log.error if diagnostic.severity == "error" else log.warning)("receivers: %s", diagnostic)
            if receivers.errors:
                raise SystemExit(f"watchfloor worker: the receivers file has {len(receivers.errors)} error(s) "
                                 "(above); fix them or run `watchfloor routes check`")
        names = tuple(dict.fromkeys([*DEFAULT_RECEIVERS, *(receivers.receivers if receivers else ())]))
        ruleset = load_ruleset(settings, names)
        for diagnostic in ruleset.diagnostics:
            (log.error if diagnostic.severity == "error" else log.warning)("rules: %s", diagnostic)
        if ruleset.errors:
            raise SystemExit(f"watchfloor worker: the rules have {len(ruleset.errors)} error(s) (above); "
                             "fix them or run `watchfloor rules check`")
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        extractor = Extractor.from_config(
            PipelineConfig(model=settings.spacy_model, min_population=settings.gazetteer_min_population,
                           batch_size=settings.batch_size,
                           classifier=str(settings.classifier) if settings.classifier else None)
        )
        return cls(settings, extractor, ruleset, build_channels(settings, receivers),
                   SqliteLedger(settings.data_dir / "ledger.sqlite"), routes=receivers.tree if receivers else None)
