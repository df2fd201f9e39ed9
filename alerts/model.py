"""The alert contract: what matching publishes on the alerts topic and delivery sends on."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict

from rules.event import SCHEMA_VERSION, Event, Frozen

Level = Literal["info", "low", "medium", "high", "critical"]
LEVELS: tuple[Level, ...] = ("info", "low", "medium", "high", "critical")


class RealertPolicy(Frozen):
    """How often updates of an open incident may notify (the rule's `realert`, in seconds)."""

    every_seconds: float
    exponential: bool = False
    max_seconds: float | None = None


class GroupPolicy(Frozen):
    """The rule's `group`: new incidents with equal `by` labels within `wait_seconds` of the
    first go out as one message (alerts/noise/group.py)."""

    by: tuple[str, ...] = ()
    wait_seconds: float


class InhibitedBy(Frozen):
    """The alert that mutes this one (a rule with `inhibits`), and until when."""

    alert_id: str
    rule_id: str
    title: str
    until: datetime


class Alert(Frozen):
    """A rule fired on an event.

    `alert_id` is derived from the rule and the event, so a redelivered event yields the same
    alert id and the delivery ledger turns a second send into a no-op. `incident_key` is the
    rule's dedup key rendered from the event: alerts that share it are the same incident;
    when fuzzy matching (alerts/noise/fingerprint.py) joins the alert to an earlier incident
    under another key, `incident_key` is that incident's and `own_incident_key` the rule's.
    `inhibited_by` is set by the match stage when a recent alert mutes this one: it is still
    published (and counted, logged) but not sent to receivers.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: str = SCHEMA_VERSION
    alert_id: str
    rule_id: str
    title: str
    level: Level
    tags: tuple[str, ...] = ()
    receivers: tuple[str, ...] = ()
    incident_key: str
    dedup_within_seconds: float = 6 * 3600  # later alerts with this key update the incident
    fired_at: datetime
    event: Event
    own_incident_key: str | None = None
    realert: RealertPolicy | None = None
    inhibited_by: InhibitedBy | None = None
    group: GroupPolicy | None = None


def alert_id_for(rule_id: str, event_id: str) -> str:
    """A stable id for (rule, event): the same pair always gives the same id."""
    digest = hashlib.sha256(f"{rule_id}\x1f{event_id}".encode()).hexdigest()
    return f"al-{digest[:20]}"
