"""Deliveries that could not be made now: queued per receiver, in incident order (pure).

A receiver that is down (SMTP refusing connections, Slack answering 5xx) must not hold up
the other receivers or other incidents, and must not lose or reorder anything. The deliver
stage tries each receiver briefly; what is still retryable is *deferred* to a retry queue
keyed by incident. While an incident has deferred deliveries for a receiver, its later
alerts for that receiver are deferred too, so a thread's root always goes out before its
replies.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from .incidents import IncidentState, Notice


class Deferred(BaseModel):
    """One delivery waiting in the retry queue."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    notice: Notice
    receiver: str
    deferred_at: datetime
    reason: str
    grouped: bool = False  # a member of a group (alerts/noise/group.py) handed back to its incident


def must_defer(state: IncidentState, receiver: str) -> bool:
    """True while earlier deliveries of this incident to `receiver` are still queued."""
    return state.pending.get(receiver, 0) > 0


def defer(state: IncidentState, receiver: str) -> IncidentState:
    pending = dict(state.pending)
    pending[receiver] = pending.get(receiver, 0) + 1
    return state.model_copy(update={"pending": pending})


def settle(state: IncidentState, receiver: str) -> IncidentState:
    """One queued delivery to `receiver` is done (delivered, or given up and dead-lettered)."""
    pending = dict(state.pending)
    left = pending.get(receiver, 0) - 1
    if left > 0:
        pending[receiver] = left
    else:
        pending.pop(receiver, None)
    return state.model_copy(update={"pending": pending})


def current(notice: Notice, state: IncidentState | None) -> Notice:
    """The queued notice with the incident's thread roots as they are now (the root may have
    been delivered from the queue after this notice was made)."""
    if state is None:
        return notice
    return notice.model_copy(update={"thread_refs": dict(state.refs)})
