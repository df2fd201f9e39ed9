"""What a watch officer would have received from a run of alerts, for backtests (pure).

The incident steps of the live stages, in the order given (event time in a backtest), with
in-memory state: each alert joins a recent incident of its province (recent.py: same place,
compatible kind, overlapping actors, close dates, unless the rule turns `fuzzy` off) and is
checked against the inhibitions of its place (inhibit.py), as the match stage does
(province.py); then it opens an incident or updates one, as the deliver stage decides
(alerts/incidents.py). Silences, quiet hours, group wait and realert depend on the day's
clock and settings and are not applied: the figures say what the rules alone would send.

    message     a new incident: a Slack message and an email of its own
    update      a later report of a known incident: a reply in its thread
    inhibited   muted by a recent alert of the same place (`inhibits:`), held back live
    duplicate   the same alert again (the same event twice): the ledger sends nothing
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from alerts.incidents import IncidentState, decide
from alerts.model import Alert
from rules.spec import RuleSpec

from .province import settle

Outcome = Literal["message", "update", "inhibited", "duplicate"]
OUTCOMES: tuple[Outcome, ...] = ("message", "update", "inhibited", "duplicate")
_KIND: dict[str, Outcome] = {"new": "message", "update": "update", "repeat": "duplicate"}


def as_received(alerts: Iterable[Alert], rules: Mapping[str, RuleSpec]) -> Iterator[tuple[Alert, Outcome]]:
    """Each alert as the stages would pass it on, with what the officer would see of it."""
    memory: dict = {}
    incidents: dict[str, IncidentState] = {}
    for alert in alerts:
        (settled,) = settle([alert], memory, rules)
        alert = settled.alert
        notice, incidents[alert.incident_key] = decide(incidents.get(alert.incident_key), alert, alert.fired_at)
        yield alert, "inhibited" if alert.inhibited_by is not None and notice.kind != "repeat" else _KIND[notice.kind]
