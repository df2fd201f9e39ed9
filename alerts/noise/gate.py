"""The deliver stage's noise step: send this notice, or hold it back and say why (pure).

`gate(notice, state, now, silence=..., quiet_hours=...)` runs after `incidents.decide` and
before any receiver is tried. The reasons, in the order they are checked:

    silenced     an active silence matches the alert (alerts/silences.py; looked up by the caller)
    inhibited    the match stage marked it: a recent alert of the same place mutes it (inhibit.py)
    quiet_hours  a quiet window holds its level at `now` (quiet.py; the processing clock)
    group_wait   an update of an incident whose first message still waits for its group (group.py)
    realert      an update of an open incident before its rule's realert interval (realert.py)

A held alert stays in the incident (facts and sources merged, so later messages are right),
is remembered in `state.held` so a redelivery is held again (and not counted twice), and an
update's changes are kept and sent with the next message of the incident. Nothing is dropped
without trace: the caller logs and counts every `Suppression`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from alerts.frozen import utc
from alerts.incidents import IncidentState, Notice
from alerts.silences import Silence
from rules.spec import QuietWindow

from .quiet import describe, holding
from .realert import due, next_due

CORROBORATION = "now corroborated by "
Reason = Literal["silenced", "inhibited", "quiet_hours", "group_wait", "realert"]


class Suppression(BaseModel):
    """Why a notice is held back; `again` when it is a redelivery of one already held."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: Reason
    detail: str
    again: bool = False


def combined(earlier: Sequence[str], later: Sequence[str]) -> tuple[str, ...]:
    """Change lines of several alerts as one list: each line once, and only the latest
    corroboration count, first (as incidents.py writes it: "now corroborated by N sources")."""
    lines = list(dict.fromkeys((*earlier, *later)))
    counts = [line for line in lines if line.startswith(CORROBORATION)]
    return (*counts[-1:], *(line for line in lines if not line.startswith(CORROBORATION)))


def why_held(notice: Notice, state: IncidentState, now: datetime, silence: Silence | None = None,
             quiet_hours: Sequence[QuietWindow] = ()) -> Suppression | None:
    """The reason to hold `notice` back, or None to send it."""
    alert = notice.alert
    if notice.kind == "repeat":
        held = state.held.get(alert.alert_id)
        return None if held is None else Suppression(reason=held, detail="held before", again=True)  # type: ignore[arg-type]
    if silence is not None:
        return Suppression(reason="silenced", detail=f"{silence.id} by {silence.created_by}: {silence.comment}")
    if alert.inhibited_by is not None:
        source = alert.inhibited_by
        return Suppression(reason="inhibited", detail=f"{source.rule_id} {source.alert_id} until "
                                                      f"{utc(source.until).isoformat()}")
    window = holding(alert.level, utc(now), quiet_hours)
    if window is not None:
        return Suppression(reason="quiet_hours", detail=describe(window))
    if notice.kind == "update" and state.grouping is not None:
        return Suppression(reason="group_wait", detail="the incident's first message waits for its group")
    at = utc(alert.fired_at)
    last = utc(state.last_sent_at) if state.last_sent_at else None
    if notice.kind == "update" and not due(alert.realert, state.sent, last, at):
        when = next_due(alert.realert, state.sent, last)
        return Suppression(reason="realert", detail=f"next message of the incident from {when.isoformat() if when else '?'}")
    return None


def gate(notice: Notice, state: IncidentState, now: datetime, silence: Silence | None = None,
         quiet_hours: Sequence[QuietWindow] = ()) -> tuple[Notice, IncidentState, Suppression | None]:
    """The notice to send (with held-back changes added), the incident's state, and the
    suppression when it is held back instead (see the module docstring)."""
    held = why_held(notice, state, now, silence, quiet_hours)
    alert = notice.alert
    if held is not None:
        if held.again:
            return notice, state, held
        state = state.model_copy(update={
            "held": {**state.held, alert.alert_id: held.reason},
            "held_changes": combined(state.held_changes, notice.changes if notice.kind == "update" else ()),
        })
        return notice, state, held
    if notice.kind == "repeat":
        return notice, state, None  # a redelivery of a sent alert: the ledger makes it a no-op
    if state.held_changes and notice.kind == "update":
        notice = notice.model_copy(update={"changes": combined(state.held_changes, notice.changes)})
    state = state.model_copy(update={
        "held_changes": () if notice.kind == "update" else state.held_changes,
        "sent": state.sent + 1,
        "last_sent_at": utc(alert.fired_at),
    })
    return notice, state, None
