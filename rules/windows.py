"""Windows and new terms: pure state machines over event time, serialisable to plain dicts.

Both kinds of rule keep state per (rule, key), where the key is rendered from the event (the
values of `window.by` or `new_term.fields`). A transition is a pure function
`state.observe(...) -> (new state, fired)`: no clock, no I/O, no mutation, so the same code runs
over a plain dict in tests and the backtest, and over a faust table in the stream (a table is
a MutableMapping: store `state.to_dict()` under `state_key(...)`; the events stream must then be
partitioned by that key, e.g. `stream.group_by(...)`, so one worker owns each key).

Event time is `event.date` (midnight UTC of that day) or else `source.published_at`; arrival
order does not matter. Times are kept as POSIX seconds.

Window (`window: {count: 3, within: 24h, by: [location.admin1_code]}`)
    Fires when the event makes at least `count` matching events with the same key fall within
    `within` of each other. Once fired, the alert's window [first event, first + within]
    absorbs every other event of that key inside it, however late it arrives: the 4th, 5th ...
    event in the same window never fires again, and each event belongs to at most one alert.
    The same event delivered twice (same event_id) is counted once.

New term (`new_term: {fields: [actors.name, location.admin1_code], within: 30d}`)
    Fires when a combination of values has not been seen within `within` of the event's time,
    before or after it (a late event does not fire when a later sighting already did). Sightings
    are kept as intervals whose inner gaps are at most `within`, so state stays small. Note
    that every combination is new when a stream starts.

Lists multiply keys: `by: [actors.name]` on an event with two actors counts it under both
names; an event with no value for one of the paths has no key and is not counted.

State older than `within` + `lateness` behind the latest event time of its key is dropped
(lateness defaults to `within`): an event later than that is judged against what is left.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from .conditions import get_value
from .event import Event


def event_time(event: Event) -> datetime | None:
    """When the event happened: its date (midnight UTC), else its report's publication time."""
    if event.date is not None:
        return datetime.combine(event.date, time(), tzinfo=timezone.utc)
    published = event.source.published_at
    if published is not None:
        return published if published.tzinfo else published.replace(tzinfo=timezone.utc)
    return None


def _seconds(at: datetime | date | float) -> float:
    if isinstance(at, (int, float)):
        return float(at)
    if not isinstance(at, datetime):
        at = datetime.combine(at, time(), tzinfo=timezone.utc)
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).timestamp()


def _render(value: Any) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def event_keys(event: Event, paths: tuple[str, ...]) -> list[str]:
    """The keys an event counts under: `path=value` joined by `|`, one per combination."""
    choices = []
    for path in paths:
        value = get_value(event, path)
        values = value if isinstance(value, tuple) else (value,)
        present = sorted({_render(v) for v in values if v is not None and v != ""})
        if not present:
            return []
        choices.append([f"{path}={v}" for v in present])
    return ["|".join(combo) for combo in itertools.product(*choices)]


def state_key(rule_id: str, key: str) -> str:
    """Where one key's state lives in a state store (a dict or a faust table)."""
    return f"{rule_id}#{key}"


@dataclass(frozen=True)
class WindowState:
    """Count-in-window state of one (rule, key)."""

    pending: tuple[tuple[float, str], ...] = ()  # (time, event id) not yet part of an alert, sorted
    fired: tuple[float, ...] = ()  # the start of each alert's window, sorted
    high: float | None = None  # the latest event time seen

    def observe(self, at: datetime | float, event_id: str, count: int, within: timedelta,
                lateness: timedelta | None = None) -> tuple["WindowState", bool]:
        """The state after one matching event, and whether it fires the rule."""
        t, w = _seconds(at), within.total_seconds()
        late = (lateness if lateness is not None else within).total_seconds()
        high = t if self.high is None else max(self.high, t)
        if any(e == event_id for _, e in self.pending) or any(a <= t <= a + w for a in self.fired):
            return WindowState(self.pending, self.fired, high)._pruned(w, late), False
        pending = list(self.pending)
        bisect.insort(pending, (t, event_id))
        at_index = pending.index((t, event_id))
        fired = list(self.fired)
        hit = False
        for first in range(max(0, at_index - count + 1), min(at_index, len(pending) - count) + 1):
            if pending[first + count - 1][0] - pending[first][0] <= w:
                anchor = pending[first][0]
                bisect.insort(fired, anchor)
                pending = [p for p in pending if not anchor <= p[0] <= anchor + w]
                hit = True
                break
        return WindowState(tuple(pending), tuple(fired), high)._pruned(w, late), hit

    def _pruned(self, w: float, late: float) -> "WindowState":
        if self.high is None:
            return self
        pending = tuple(p for p in self.pending if p[0] >= self.high - w - late)
        fired = tuple(a for a in self.fired if a + w >= self.high - late)
        return WindowState(pending, fired, self.high)

    def to_dict(self) -> dict:
        return {"kind": "window", "pending": [[t, e] for t, e in self.pending],
                "fired": list(self.fired), "high": self.high}

    @classmethod
    def from_dict(cls, data: dict | None) -> "WindowState":
        if not data:
            return cls()
        return cls(tuple((float(t), str(e)) for t, e in data.get("pending", ())),
                   tuple(float(a) for a in data.get("fired", ())), data.get("high"))


@dataclass(frozen=True)
class NewTermState:
    """Sightings of one (rule, combination) as intervals with inner gaps of at most `within`."""

    seen: tuple[tuple[float, float], ...] = ()
    high: float | None = None

    def observe(self, at: datetime | float, within: timedelta,
                lateness: timedelta | None = None) -> tuple["NewTermState", bool]:
        """The state after one sighting, and whether the combination is new."""
        t, w = _seconds(at), within.total_seconds()
        late = (lateness if lateness is not None else within).total_seconds()
        near = [(a, b) for a, b in self.seen if a - w <= t <= b + w]
        start = min([t, *(a for a, _ in near)])
        end = max([t, *(b for _, b in near)])
        seen = sorted([iv for iv in self.seen if iv not in near] + [(start, end)])
        high = t if self.high is None else max(self.high, t)
        seen = [(a, b) for a, b in seen if b >= high - w - late]
        return NewTermState(tuple(seen), high), not near

    def to_dict(self) -> dict:
        return {"kind": "new_term", "seen": [[a, b] for a, b in self.seen], "high": self.high}

    @classmethod
    def from_dict(cls, data: dict | None) -> "NewTermState":
        if not data:
            return cls()
        return cls(tuple((float(a), float(b)) for a, b in data.get("seen", ())), data.get("high"))
