"""The edges, built once per worker from Settings: model, rules, channels, ledger, clock."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from collections.abc import Callable

from alerts.channels.base import Channel
from alerts.channels.outbox import OutboxChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.smtp import SmtpChannel
from alerts.deliver.ledger import SqliteLedger
from extraction.pipeline import Extractor, PipelineConfig
from rules.loader import DEFAULT_RECEIVERS, RuleSet, load_rules

from .settings import Settings

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def build_channels(settings: Settings) -> dict[str, Channel]:
    """The default receivers: `slack` and `email`, real when configured, else the outbox."""
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


def load_ruleset(settings: Settings) -> RuleSet:
    return load_rules(settings.rules_dirs or None, receivers=DEFAULT_RECEIVERS, aliases=actor_aliases())


@dataclass
class Runtime:
    settings: Settings
    extractor: Extractor
    ruleset: RuleSet
    channels: dict[str, Channel]
    ledger: SqliteLedger
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def build(cls, settings: Settings) -> "Runtime":
        ruleset = load_ruleset(settings)
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
        return cls(settings, extractor, ruleset, build_channels(settings), SqliteLedger(settings.data_dir / "ledger.sqlite"))
