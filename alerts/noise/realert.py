"""Realert: how often updates of an open incident may notify (pure).

A rule's `realert: {every: 1h, exponential: true, max: 24h}` (carried on each alert as
`RealertPolicy`) spaces out the messages of one incident: after the n-th message sent, the
next update may notify once `every` has passed (`every * 2**(n-1)` when exponential, never
more than `max`). Time is the alerts' own clock (`fired_at`), as for the incident window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from alerts.model import RealertPolicy


def interval(policy: RealertPolicy, sent: int) -> timedelta:
    """The wait after the `sent`-th message (1 for the opening message)."""
    seconds = policy.every_seconds
    if policy.exponential and sent > 1:
        seconds *= 2 ** min(sent - 1, 40)  # the cap keeps the float finite
    if policy.max_seconds is not None:
        seconds = min(seconds, policy.max_seconds)
    return timedelta(seconds=seconds)


def next_due(policy: RealertPolicy | None, sent: int, last_sent_at: datetime | None) -> datetime | None:
    """When the next update may notify; None when it may at once."""
    if policy is None or last_sent_at is None or sent < 1:
        return None
    return last_sent_at + interval(policy, sent)


def due(policy: RealertPolicy | None, sent: int, last_sent_at: datetime | None, at: datetime) -> bool:
    """True when an update at `at` may notify."""
    when = next_due(policy, sent, last_sent_at)
    return when is None or at >= when
