"""The rule file's shape (RuleSpec) and the compiled form the engine runs (CompiledRule).

Keys of a rule: id, title, description, level, status, owner, tags, references, when (the
condition, rules/conditions.py), unless (an exception in the same language), window or
new_term (stateful rules, rules/windows.py), gold (backtest criterion, rules/backtest.py),
dedup, notify, tests.
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
    tests: tuple[RuleTest, ...] = ()


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to run: its spec, its predicate and where it came from."""

    spec: RuleSpec
    predicate: Predicate
    file: str
    index_types: frozenset[str] | None  # event types it can fire on; None: any
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
