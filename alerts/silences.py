"""Silences: "no alerts matching these matchers until then", with author and comment (pure).

A matcher compares one alert label with `=`, `!=`, `=~` (regex, full match) or `!~`. Labels
are the alert's rule_id, level, title and tags, and the event's fields by dotted path
(event_type, location.admin1_code, location.country_code, actors.name, ...); for a list
(tags, actors.name) a positive matcher holds when any value matches, a negative when none
does. A silence is active from `starts_at` until `ends_at`; expiring one sets `ends_at`.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .model import Alert

Op = Literal["=", "!=", "=~", "!~"]
_MATCHER = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$")


class Matcher(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    op: Op
    value: str

    @field_validator("value")
    @classmethod
    def _pattern_compiles(cls, value: str, info) -> str:
        if info.data.get("op") in ("=~", "!~"):
            if len(value) > 200:
                raise ValueError("pattern longer than 200 characters")
            re.compile(value)
        return value

    @classmethod
    def parse(cls, text: str) -> "Matcher":
        """`location.admin1_code=SY-HL`, `rule_id=~senior-.*`, `level!=info`."""
        match = _MATCHER.match(text)
        if not match:
            raise ValueError(f"{text!r} is not a matcher such as level=critical or rule_id=~senior-.*")
        label, op, value = match.groups()
        return cls(label=label, op=op, value=value.strip("\"'"))

    def __str__(self) -> str:
        return f"{self.label}{self.op}{self.value}"

    def holds(self, values: list[str]) -> bool:
        if self.op == "=":
            return self.value in values
        if self.op == "!=":
            return self.value not in values
        found = any(re.fullmatch(self.value, v) for v in values)
        return found if self.op == "=~" else not found


class Silence(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=lambda: f"sil-{uuid.uuid4().hex[:12]}")
    matchers: tuple[Matcher, ...] = Field(min_length=1)
    starts_at: datetime
    ends_at: datetime
    created_by: str = Field(min_length=1)
    comment: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> "Silence":
        if self.ends_at < self.starts_at:
            raise ValueError("ends_at is before starts_at")
        return self

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def expired(self, now: datetime) -> "Silence":
        return self.model_copy(update={"ends_at": max(self.starts_at, min(self.ends_at, now))})


def labels(alert: Alert, name: str) -> list[str]:
    """The values of one label of an alert, as strings."""
    if name in ("rule_id", "level", "title"):
        return [str(getattr(alert, name))]
    if name == "tags":
        return list(alert.tags)
    value: Any = alert.event
    for part in name.split("."):
        if isinstance(value, tuple):
            value = tuple(getattr(item, part, None) for item in value)
        else:
            value = getattr(value, part, None)
    items = value if isinstance(value, tuple) else (value,)
    return [str(v) for v in items if v is not None]


def silenced_by(alert: Alert, silences, now: datetime | None = None) -> Silence | None:
    """The first active silence whose matchers all hold for `alert`, or None."""
    now = now or datetime.now(timezone.utc)
    for silence in silences:
        if silence.active(now) and all(m.holds(labels(alert, m.label)) for m in silence.matchers):
            return silence
    return None
