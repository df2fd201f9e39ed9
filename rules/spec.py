"""The rule file's shape (RuleSpec) and the compiled form the engine runs (CompiledRule).

Keys of a rule: id, title, description, level, status, owner, tags, references, when (the
condition, rules/conditions.py), unless (an exception in the same language), window or
new_term (stateful rules, rules/windows.py), gold (backtest criterion, rules/backtest.py),
dedup, notify, tests; and the noise controls inhibits, realert and group (alerts/noise/). A document
holding `quiet_hours:` (QuietHours) sets recurring quiet windows for the whole rule set.
"""

from __future__ import annotations

import functools

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .conditions import Predicate

Level = Literal["info", "low", "medium", "high", "critical"]
_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """"6h" -> 6 hours; units s, m, h, d, w."""
    match = _DURATION.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30m, 6h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class Dedup(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: tuple[str, ...] = ()
    within: str = "6h"
    fuzzy: bool = True  # also join reports whose fingerprints match (alerts/noise/fingerprint.py)

    @field_validator("within")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


def _positive_duration(value: str) -> str:
    if parse_duration(value) <= timedelta(0):
        raise ValueError("the period must be longer than zero")
    return value


class Window(BaseModel):
    """`window: {count: 3, within: 24h, by: [location.admin1_code]}`: fire when at least `count`
    matching events with the same `by` values fall within `within` of each other (event time)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    count: int = Field(ge=2, le=10_000)
    within: str
    by: tuple[str, ...] = ()

    _within = field_validator("within")(_positive_duration)

    @property
    def period(self) -> timedelta:
        return parse_duration(self.within)


class NewTerm(BaseModel):
    """`new_term: {fields: [actors.name, location.admin1_code], within: 30d}`: fire the first
    time a combination of these values is seen in the period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: tuple[str, ...] = Field(min_length=1, max_length=5)
    within: str

    _within = field_validator("within")(_positive_duration)

    @property
    def period(self) -> timedelta:
        return parse_duration(self.within)


LEVELS: tuple[str, ...] = ("info", "low", "medium", "high", "critical")


class Inhibits(BaseModel):
    """`inhibits: {levels: [low, medium], within: 6h, same: [location.admin1_code]}`: while this
    rule's alert is recent, alerts of other rules at those levels (default: every level below
    this rule's), optionally only of `rules` / with one of `tags`, whose `same` labels equal
    this alert's are muted (Alertmanager's inhibit_rules: source, target matchers, equal)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: tuple[Level, ...] = ()
    rules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    within: str = "6h"
    same: tuple[str, ...] = ("location.admin1_code",)

    _within = field_validator("within")(_positive_duration)

    @field_validator("same")
    @classmethod
    def _partition_local(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # The events topic is keyed by province: only then does one worker see both alerts.
        if "location.admin1_code" not in value:
            raise ValueError("must include location.admin1_code (the events topic is keyed by province)")
        return value

    @property
    def period(self) -> timedelta:
        return parse_duration(self.within)


class Realert(BaseModel):
    """`realert: {every: 1h, exponential: true, max: 24h}`: updates of an open incident are
    sent at most once per `every` (doubling after each one sent when `exponential`, up to `max`);
    the changes of the ones held back go out with the next one sent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    every: str
    exponential: bool = False
    max: str | None = None

    _every = field_validator("every")(_positive_duration)

    @field_validator("max")
    @classmethod
    def _max(cls, value: str | None) -> str | None:
        return None if value is None else _positive_duration(value)

    @model_validator(mode="after")
    def _max_not_below_every(self) -> "Realert":
        if self.max is not None and parse_duration(self.max) < parse_duration(self.every):
            raise ValueError("max is shorter than every")
        return self


class Group(BaseModel):
    """`group: {by: [location.admin1_code], wait: 30s}`: new incidents of this rule with equal
    `by` values that start within `wait` of the first go out as one message (Alertmanager's
    group_wait); the rule id is always part of the group."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    by: tuple[str, ...] = ()
    wait: str = "30s"

    @field_validator("wait")
    @classmethod
    def _wait(cls, value: str) -> str:
        # The first alert of a burst waits this long: an hour is already a long time unseen.
        if not timedelta(0) < parse_duration(value) <= timedelta(hours=1):
            raise ValueError("must be longer than zero and at most 1h")
        return value

    @property
    def period(self) -> timedelta:
        return parse_duration(self.wait)


_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class QuietWindow(BaseModel):
    """One recurring quiet window: `{days: [mon, tue], start: "22:00", end: "06:00",
    timezone: Europe/London, below: high}`. A window whose end is not after its start runs
    past midnight into the next day; `days` are the days it starts on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    days: tuple[Day, ...] = DAYS  # type: ignore[assignment]
    start: str
    end: str
    timezone: str = "UTC"
    below: Level  # alerts of a lower level are held back (counted, logged) in the window

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> str:
        if isinstance(value, int) and 0 <= value < 24 * 60:
            value = f"{value // 60:02d}:{value % 60:02d}"  # YAML 1.1 reads 22:00 as 1320
        if not isinstance(value, str) or not _CLOCK.match(value):
            raise ValueError(f"{value!r} is not a time of day such as 22:00")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Europe/London)") from None
        return value


class QuietHours(BaseModel):
    """A document `quiet_hours: [window, ...]` in a rule directory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quiet_hours: tuple[QuietWindow, ...]


class RuleTest(BaseModel):
    """A regression test: report text (or a file) and whether the rule must fire on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    file: str | None = None
    published_at: str | None = None
    expect: Literal["fire", "no-fire"]
    fields: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> "RuleTest":
        if (self.text is None) == (self.file is None):
            raise ValueError("a test takes exactly one of `text` or `file`")
        return self


class RuleSpec(BaseModel):
    """A rule as written (metadata is validated here; `when` by the condition compiler)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{1,80}$")
    title: str = Field(min_length=1, max_length=150)
    description: str | None = None
    level: Level
    status: Literal["experimental", "test", "stable"] = "experimental"
    owner: str | None = None
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    when: Any
    unless: Any = None
    window: Window | None = None
    new_term: NewTerm | None = None
    gold: Any = None  # backtest only: a condition on the pseudo-event of a gold row (rules/backtest.py)
    dedup: Dedup = Dedup()
    notify: tuple[str, ...] = ()
    inhibits: Inhibits | None = None
    realert: Realert | None = None
    group: Group | None = None
    tests: tuple[RuleTest, ...] = ()


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to run: its spec, its predicate and where it came from."""

    spec: RuleSpec
    predicate: Predicate
    file: str
    gold: Predicate | None = None  # the backtest's gold criterion, compiled like `when`
    # The predicate in parts, for the matching index (rules/index/): `when` as its top-level
    # conditions (canonical key, predicate, (path, values) when the condition is exactly "a
    # value at path is one of values"), the `unless` predicate, and what `when` requires of
    # the event's values ((path, values) pairs). None: use `predicate` whole.
    conjuncts: tuple[tuple[str, Predicate, tuple[str, frozenset] | None], ...] | None = None
    unless: Predicate | None = None
    requires: tuple[tuple[str, frozenset], ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id

    @functools.cached_property
    def stateful(self) -> bool:
        """True for window and new-term rules: whether they fire depends on earlier events."""
        return self.spec.window is not None or self.spec.new_term is not None
