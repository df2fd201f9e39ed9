"""The event contract: what extraction publishes on the events topic and what rules read.

Field names follow ../shared/GUIDE.md §3 and align with PLOVER (event_type + event_mode,
actors / recipients) and ACLED (acled_event_type / acled_sub_event_type, admin1, fatalities),
so an export to either is a mapping rather than a guess. Every model is frozen and forbids
unknown keys: a payload either matches the published schema or is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

RankClass = Literal["senior_officer", "officer", "nco", "enlisted", "civilian", "unknown"]
Outcome = Literal["killed", "injured", "abducted", "arrested"]
ActorKind = Literal["state", "rebel", "militia", "jihadist", "foreign_state", "civilian", "unidentified", "other"]
Precision = Literal["point", "town", "area", "admin1", "country", "region"]


class Frozen(BaseModel):
    """Base for every contract model: immutable, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Frozen):
    name: str | None = None
    url: str | None = None
    published_at: dt.datetime | None = None


class Actor(Frozen):
    """An actor or recipient: the words in the report and the normalised name."""

    text: str
    name: str
    kind: ActorKind = "other"


class Victim(Frozen):
    """A person or group hit by the event, with military rank when the report gives one."""

    text: str
    rank: str | None = None
    rank_class: RankClass = "unknown"
    status: Literal["active", "retired"] = "active"
    outcome: Outcome
    count: int | None = 1  # None: the report gives no number ("civilians were killed")
    affiliation: str | None = None


class Place(Frozen):
    """A location resolved as far as the gazetteer allows (admin1 and country at least)."""

    text: str
    qualifier: str | None = None
    name: str | None = None
    admin1_name: str | None = None
    admin1_code: str | None = None
    country: str | None = None
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    precision: Precision | None = None


class Evidence(Frozen):
    """The sentence that proves the event, as character offsets into the report text."""

    text: str
    start: int
    end: int


class Event(Frozen):
    """One event extracted from one report."""

    schema_version: str = SCHEMA_VERSION
    event_id: str
    report_id: str
    source: Source = Source()
    event_type: str
    event_mode: tuple[str, ...] = ()
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    actors: tuple[Actor, ...] = ()
    recipients: tuple[Actor, ...] = ()
    victims: tuple[Victim, ...] = ()
    fatalities: int | None = None
    injured: int | None = None
    weapon: tuple[str, ...] = ()
    location: Place | None = None
    destination: Place | None = None
    date: dt.date | None = None
    negated: bool = False
    hedged: bool = False
    evidence: Evidence
    confidence: float = Field(ge=0.0, le=1.0)
