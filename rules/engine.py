"""Matching: which rules fire on an event (pure; state is passed in, never global).

`evaluate(ruleset, event, state)` is the full engine: conditions, then window and new-term
state (rules/windows.py) kept in `state`, any MutableMapping[str, dict] — a dict in tests and
the backtest, a faust table in the stream. `matching_rules(ruleset, event)` is the stateless
subset: it never fires window or new-term rules, which cannot be judged from one event.

Which rules' conditions hold comes from the rule set's matching index (rules/index/): only
the rules the event's values can satisfy are tried, and conditions shared by many rules are
evaluated once per event.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime

from .conditions import get_value
from .event import Event
from .loader import RuleSet
from .spec import CompiledRule
from .windows import NewTermState, WindowState, event_keys, event_time, state_key

State = MutableMapping[str, dict]


@dataclass(frozen=True)
class Firing:
    """A rule that fired on an event; `keys` are the window / new-term keys that fired."""

    rule: CompiledRule
    event: Event
    keys: tuple[str, ...] = ()


def matching_rules(ruleset: RuleSet, event: Event) -> list[CompiledRule]:
    """The stateless rules whose conditions hold for `event`, in rule-set order."""
    return ruleset.matcher.matching(event, stateless=True)


def fire(ruleset: RuleSet, event: Event, state: State, now: datetime | None = None) -> list[Firing]:
    """Every rule that fires on `event`, updating window / new-term state in `state`.

    An event without an event time (no date, no publication time) is placed at `now` when
    given; otherwise window and new-term rules skip it.
    """
    at = event_time(event) or now
    out = []
    for rule in ruleset.matcher.matching(event):
        if not rule.stateful:
            out.append(Firing(rule, event))
            continue
        if at is None:
            continue
        fired = tuple(key for key in _keys(rule, event) if _step(rule, key, event, at, state))
        if fired:
            out.append(Firing(rule, event, fired))
    return out


def evaluate(ruleset: RuleSet, event: Event, state: State, now: datetime | None = None) -> list[CompiledRule]:
    """The rules that fire on `event` (conditions plus window / new-term state), in order."""
    return [firing.rule for firing in fire(ruleset, event, state, now)]


def _keys(rule: CompiledRule, event: Event) -> list[str]:
    spec = rule.spec
    if spec.window is not None:
        return event_keys(event, spec.window.by) if spec.window.by else ["*"]
    assert spec.new_term is not None
    return event_keys(event, spec.new_term.fields)


def _step(rule: CompiledRule, key: str, event: Event, at: datetime, state: State) -> bool:
    where = state_key(rule.id, key)
    window, new_term = rule.spec.window, rule.spec.new_term
    if window is not None:
        current = WindowState.from_dict(state.get(where))
        after, hit = current.observe(at, event.event_id, window.count, window.period)
    else:
        assert new_term is not None
        current_nt = NewTermState.from_dict(state.get(where))
        after, hit = current_nt.observe(at, new_term.period)
    state[where] = after.to_dict()
    return hit


def incident_key(rule: CompiledRule, event: Event) -> str:
    """The rule's dedup key rendered from the event: equal keys are the same incident."""
    parts = [rule.id]
    for path in rule.spec.dedup.key:
        value = get_value(event, path)
        if isinstance(value, tuple):
            value = ",".join(sorted(str(v) for v in value if v is not None))
        parts.append(f"{path}={value}")
    if not rule.spec.dedup.key:
        parts.append(event.event_id)
    return "|".join(parts)
