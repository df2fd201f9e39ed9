"""Inhibition: a "territory captured" alert mutes lesser alerts for the same place (pure).

Modelled on Alertmanager's inhibit_rules, written on the source rule (rules/spec.py
`Inhibits`): the source is the rule itself; targets are alerts of other rules at the listed
levels (default: every level below the source's), optionally only of `rules` or with one of
`tags`; `same` names the labels (alerts/silences.py `labels`) whose values must be equal,
always including the province. The match stage keeps one `Inhibitions` per province and calls
`inhibit` on each alert in order: an alert that fired while a source is active gets
`inhibited_by` (it is still published, logged and counted, never silently dropped); an alert
of a rule with `inhibits` starts (or extends) an inhibition for `within` from its firing.
"""

from __future__ import annotations

from datetime import datetime

from alerts.frozen import Frozen, Stored, utc
from alerts.model import LEVELS, Alert, InhibitedBy
from alerts.silences import labels
from rules.spec import Inhibits

MAX_ACTIVE = 200  # per province


class ActiveInhibition(Frozen):
    source_alert_id: str
    rule_id: str
    title: str
    equal: dict[str, tuple[str, ...]]  # the `same` labels' values of the source alert
    levels: tuple[str, ...]
    rules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    until: datetime


class Inhibitions(Stored):
    active: tuple[ActiveInhibition, ...] = ()


def _values(alert: Alert, label: str) -> tuple[str, ...]:
    return tuple(sorted({v.casefold() for v in labels(alert, label)}))


def mutes(inhibition: ActiveInhibition, alert: Alert, at: datetime) -> bool:
    """True when `inhibition` is active at `at` and `alert` is one of its targets."""
    return (
        at < utc(inhibition.until)
        and alert.rule_id != inhibition.rule_id  # a rule never mutes its own alerts
        and alert.level in inhibition.levels
        and (not inhibition.rules or alert.rule_id in inhibition.rules)
        and (not inhibition.tags or bool(set(inhibition.tags) & set(alert.tags)))
        and all(_values(alert, label) == values for label, values in inhibition.equal.items())
    )


def started_by(alert: Alert, spec: Inhibits) -> ActiveInhibition:
    """The inhibition a source alert starts, from its firing for `spec.within`."""
    below = LEVELS[:LEVELS.index(alert.level)]
    return ActiveInhibition(
        source_alert_id=alert.alert_id, rule_id=alert.rule_id, title=alert.title,
        equal={label: _values(alert, label) for label in spec.same},
        levels=tuple(spec.levels) or below, rules=spec.rules, tags=spec.tags,
        until=utc(alert.fired_at) + spec.period,
    )


def inhibit(state: Inhibitions, alert: Alert, spec: Inhibits | None) -> tuple[Alert, Inhibitions]:
    """`alert` marked `inhibited_by` when an active inhibition mutes it, and the province's
    inhibitions after it (expired ones gone; `spec` is the alert's rule's `inhibits`)."""
    at = utc(alert.fired_at)
    active = [i for i in state.active if at < utc(i.until)]
    source = next((i for i in reversed(active) if mutes(i, alert, at)), None)
    if source is not None and alert.inhibited_by is None:
        alert = alert.model_copy(update={"inhibited_by": InhibitedBy(
            alert_id=source.source_alert_id, rule_id=source.rule_id, title=source.title, until=source.until)})
    if spec is not None:
        started = started_by(alert, spec)
        # The same source rule for the same place again: one inhibition, extended.
        active = [i for i in active if not (i.rule_id == started.rule_id and i.equal == started.equal)]
        active.append(started)
    return alert, Inhibitions(active=tuple(active[-MAX_ACTIVE:]))
