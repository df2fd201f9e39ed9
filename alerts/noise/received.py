"""What a watch officer would have received from a run of alerts, for backtests (pure).

The incident steps of the live stages, in the order given (event time in a backtest), with
in-memory state: each alert joins a recent incident of its province (recent.py: same place,
compatible kind, overlapping actors, close dates, unless the rule turns `fuzzy` off) and is
checked against the inhibitions of its place (inhibit.py), as the match stage does
(province.py); then it opens an incident or updates one, as the deliver stage decides
(alerts/incidents.py), and goes through the deliver stage's noise gate (gate.py) at its own
`fired_at`: inhibition and realert are decided from the alerts' clock and the incident, so
they replay exactly. Silences, quiet hours and group wait depend on the day's clock and
settings and are not applied: the figures say what the rules alone would send.

    message     a new incident: a Slack message and an email of its own
    update      a later report of a known incident: a reply in its thread
    inhibited   muted by a recent alert of the same place (`inhibits:`), held back live; also
                every later alert of an incident whose first alert was inhibited (the officer
                never got a first message to thread it under)
    realert     an update within its rule's `realert` interval: held back live, its changes
                go out with the incident's next message
    duplicate   the same alert again (the same event twice): the ledger sends nothing
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from alerts.incidents import IncidentState, decide
from alerts.model import Alert
from rules.spec import RuleSpec

from .gate import gate
from .province import settle

Outcome = Literal["message", "update", "inhibited", "realert", "duplicate"]
OUTCOMES: tuple[Outcome, ...] = ("message", "update", "inhibited", "realert", "duplicate")
_KIND: dict[str, Outcome] = {"new": "message", "update": "update", "repeat": "duplicate"}


def _first_inhibited(state: IncidentState) -> bool:
    return state.held.get(state.first_alert_id) == "inhibited"


def as_received(alerts: Iterable[Alert], rules: Mapping[str, RuleSpec]) -> Iterator[tuple[Alert, Outcome]]:
    """Each alert as the stages would pass it on, with what the officer would see of it."""
    memory: dict = {}
    incidents: dict[str, IncidentState] = {}
    for alert in alerts:
        (settled,) = settle([alert], memory, rules)
        alert = settled.alert
        notice, state = decide(incidents.get(alert.incident_key), alert, alert.fired_at)
        if notice.kind == "repeat":
            outcome: Outcome = "duplicate"
        elif notice.kind == "update" and _first_inhibited(state):
            outcome = "inhibited"
        else:
            notice, state, held = gate(notice, state, alert.fired_at, silence=None, quiet_hours=())
            outcome = _KIND[notice.kind] if held is None else held.reason  # type: ignore[assignment]
        incidents[alert.incident_key] = state
        yield alert, outcome
