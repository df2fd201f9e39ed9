"""Matching: which rules fire on an event (pure)."""

from __future__ import annotations

from .event import Event
from .loader import RuleSet
from .spec import CompiledRule


def matching_rules(ruleset: RuleSet, event: Event) -> list[CompiledRule]:
    """The rules whose conditions hold for `event`, in rule-set order."""
    return [rule for rule in ruleset.candidates(event.event_type) if rule.predicate(event)]


def incident_key(rule: CompiledRule, event: Event) -> str:
    """The rule's dedup key rendered from the event: equal keys are the same incident."""
    from .conditions import get_value

    parts = [rule.id]
    for path in rule.spec.dedup.key:
        value = get_value(event, path)
        if isinstance(value, tuple):
            value = ",".join(sorted(str(v) for v in value if v is not None))
        parts.append(f"{path}={value}")
    if not rule.spec.dedup.key:
        parts.append(event.event_id)
    return "|".join(parts)
