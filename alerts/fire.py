"""From an event and the rules that matched it to alerts (pure: the clock is passed in)."""

from __future__ import annotations

from datetime import datetime

from rules.engine import State, fire, incident_key
from rules.event import Event
from rules.loader import RuleSet
from rules.spec import parse_duration

from .model import Alert, GroupPolicy, RealertPolicy, alert_id_for


def realert_policy(rule) -> RealertPolicy | None:
    """The rule's `realert` in seconds, as the alert carries it to the deliver stage."""
    spec = rule.spec.realert
    if spec is None:
        return None
    return RealertPolicy(
        every_seconds=parse_duration(spec.every).total_seconds(), exponential=spec.exponential,
        max_seconds=parse_duration(spec.max).total_seconds() if spec.max else None,
    )


def group_policy(rule) -> GroupPolicy | None:
    """The rule's `group` in seconds, as the alert carries it to the deliver stage."""
    spec = rule.spec.group
    return None if spec is None else GroupPolicy(by=spec.by, wait_seconds=spec.period.total_seconds())


def alert_for(rule, event: Event, now: datetime) -> Alert:
    """The alert `rule` raises on `event`, fired at `now`."""
    return Alert(
        alert_id=alert_id_for(rule.id, event.event_id),
        rule_id=rule.id,
        title=rule.spec.title,
        level=rule.spec.level,
        tags=rule.spec.tags,
        receivers=rule.spec.notify,
        incident_key=incident_key(rule, event),
        dedup_within_seconds=parse_duration(rule.spec.dedup.within).total_seconds(),
        fired_at=now,
        event=event,
        realert=realert_policy(rule),
        group=group_policy(rule),
    )


def alerts_for(ruleset: RuleSet, event: Event, now: datetime, state: State | None = None) -> list[Alert]:
    """One alert per rule that fires on `event`.

    `state` holds window and new-term state (a dict, or a faust table in the stream); without
    it a throwaway dict is used, so those rules only see this one event.
    """
    return [alert_for(firing.rule, event, now) for firing in fire(ruleset, event, {} if state is None else state, now)]
