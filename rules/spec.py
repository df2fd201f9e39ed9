"""The rule file's shape (RuleSpec) and the compiled form the engine runs (CompiledRule)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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


class RuleTest(BaseModel):
    """A regression test: report text (or a file) and whether the rule must fire on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    file: str | None = None
    published_at: str | None = None
    expect: Literal["fire", "no-fire"]
    fields: dict[str, Any] = Field(default_factory=dict)


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

    @property
    def id(self) -> str:
        return self.spec.id
