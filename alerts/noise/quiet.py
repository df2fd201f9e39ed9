"""Quiet hours: recurring windows in which alerts below a level are held back (pure).

Windows come from a `quiet_hours:` document in a rule directory (rules/spec.py `QuietWindow`):
days of the week, a start and end time of day on the wall clock of an IANA time zone (so
22:00 Europe/London stays 22:00 across daylight saving), and the level below which alerts
are held. A window whose end is not after its start runs past midnight: Friday 22:00–06:00
covers Saturday until 06:00. Held alerts are not sent later: they are logged and counted
(reason `quiet_hours`), and remain on the alerts topic.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from alerts.model import LEVELS
from rules.spec import DAYS, QuietWindow


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def covers(window: QuietWindow, now: datetime) -> bool:
    """True when `now` (an aware datetime) falls in `window`."""
    local = now.astimezone(ZoneInfo(window.timezone))
    today, yesterday = DAYS[local.weekday()], DAYS[(local.weekday() - 1) % 7]
    start, end, at = _clock(window.start), _clock(window.end), local.time().replace(tzinfo=None)
    if start < end:
        return today in window.days and start <= at < end
    return (today in window.days and at >= start) or (yesterday in window.days and at < end)


def in_quiet_hours(now: datetime, windows: Iterable[QuietWindow]) -> QuietWindow | None:
    """The first window that covers `now`, or None."""
    return next((w for w in windows if covers(w, now)), None)


def holding(level: str, now: datetime, windows: Iterable[QuietWindow]) -> QuietWindow | None:
    """The window that holds back an alert of `level` at `now` (its level is below the
    window's `below`), or None."""
    return next((w for w in windows if LEVELS.index(level) < LEVELS.index(w.below) and covers(w, now)), None)


def describe(window: QuietWindow) -> str:
    days = ",".join(window.days) if tuple(window.days) != DAYS else "daily"
    name = f"{window.name} " if window.name else ""
    return f"{name}{days} {window.start}-{window.end} {window.timezone} below {window.below}"
