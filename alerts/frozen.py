"""What the pure alerts models share: frozen pydantic models, table values stored as JSON
dicts, and times read as UTC."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

S = TypeVar("S", bound="Stored")


class Frozen(BaseModel):
    """Immutable, and no field it does not declare."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Stored(Frozen):
    """A faust table value: written as a JSON-safe dict, read back from one (None or empty:
    the model's empty value)."""

    def to_dict(self) -> dict:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls: type[S], data: dict | None) -> S:
        return cls() if not data else cls.model_validate(data)


def utc(moment: datetime) -> datetime:
    """A naive time read as UTC; an aware one as it is."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
