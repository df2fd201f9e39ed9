"""The match stage's noise step: per province, join recent incidents and apply inhibitions.

`settle(alerts, memory, rules)` takes the alerts one event fired and returns them as they are
to be published: under the key of the incident they belong to (recent.py) and marked when a
recent alert of the same place mutes them (inhibit.py). `memory` is any
MutableMapping[str, dict] — a dict in tests, a faust table in the stream, where the events
topic's key (the province) makes one worker the owner of a province's entries. An alert
whose event has no province is returned as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass

from alerts.model import Alert
from rules.spec import RuleSpec

from .inhibit import Inhibitions, inhibit
from .recent import How, RecentIncidents, join


@dataclass(frozen=True)
class Settled:
    """One alert after the step, and how it joined its incident (for the log)."""

    alert: Alert
    how: How | None  # None: no province, left as it was


def _province(alert: Alert) -> str | None:
    place = alert.event.location
    return place.admin1_code if place is not None and place.admin1_code else None


def settle(alerts: Sequence[Alert], memory: MutableMapping[str, dict],
           rules: Mapping[str, RuleSpec]) -> list[Settled]:
    """The alerts as they are to be published, `memory` updated (see the module docstring)."""
    out = []
    for alert in alerts:
        province = _province(alert)
        if province is None:
            out.append(Settled(alert, None))
            continue
        spec = rules.get(alert.rule_id)
        # One entry per province and rule: a write carries only that rule's open incidents.
        recent_key, inhibit_key = f"incidents|{province}|{alert.rule_id}", f"inhibitions|{province}"
        alert, recent, how = join(RecentIncidents.from_dict(memory.get(recent_key)), alert,
                                  fuzzy=spec.dedup.fuzzy if spec is not None else True)
        memory[recent_key] = recent.to_dict()
        alert, inhibitions = inhibit(Inhibitions.from_dict(memory.get(inhibit_key)), alert,
                                     spec.inhibits if spec is not None else None)
        if inhibitions.active or inhibit_key in memory:
            memory[inhibit_key] = inhibitions.to_dict()
        out.append(Settled(alert, how))
    return out
