"""Incident fingerprints: is this report about the same incident as that one? (pure)

Outlets describe one incident differently: one names the group, another says "gunmen"; one
places it in a town, another only in the province; one dates it a day later; one calls it an
attack, another an armed clash. A `Fingerprint` keeps what identifies an incident (place, kind,
actors, kinds of victim, date) and `same_incident(a, b)` says whether two can be the same:

- same country and province (admin1), and the places compatible: one of them only known to
  province level, or the same GeoNames place, or within `NEARBY_KM` of each other when both
  have coordinates, else the same name up to spelling;
- compatible kinds: equal ACLED sub-event types or two that reports confuse (`SUB_EVENT_GROUPS`);
  without a sub-event type on one side, the same PLOVER event type;
- actors overlapping (spelling variants count) or unknown on one side;
- victims' rank classes (senior officer, civilian, ...) overlapping or not given on one side
  (outlets write "Brigadier", "Brigadier General" or "a senior officer" for one man);
- dates within `date_tolerance` days, or one unknown;
- not two different events of the same report (a report that tells of two attacks means two).

The time window (the rule's `dedup.within`) is the caller's: fingerprints do not expire.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from difflib import SequenceMatcher

from pydantic import BaseModel, ConfigDict

from rules.event import Event

NEARBY_KM = 10.0  # "near Maskanah" and "Maskanah": a village and its town
SPELLING_SIMILARITY = 0.85  # difflib ratio above which two names are one name spelled twice
DATE_TOLERANCE_DAYS = 1
PROVINCE_LEVEL = ("admin1", "country", "region")
MAX_IDS = 50  # report and event ids a merged fingerprint keeps (bounds the province's state)

# ACLED sub-event types that reports of one incident are seen to disagree on.
SUB_EVENT_GROUPS: tuple[frozenset[str], ...] = (
    # Violence: a bombing is "an attack" to one outlet, "clashes" to another.
    frozenset({"Armed clash", "Attack", "Air/drone strike", "Shelling/artillery/missile attack",
               "Remote explosive/landmine/IED", "Suicide bomb", "Grenade"}),
    frozenset({"Non-state actor overtakes territory", "Government regains territory",
               "Non-violent transfer of territory", "Armed clash"}),
    frozenset({"Change to group/activity", "Non-violent transfer of territory", "Headquarters or base established"}),
    frozenset({"Peaceful protest", "Protest with intervention", "Excessive force against protesters",
               "Violent demonstration", "Mob violence"}),
)


class Fingerprint(BaseModel):
    """What identifies an incident, from one event (or merged over an incident's reports)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    report_ids: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    country: str | None = None
    admin1: str | None = None
    place: str | None = None  # normalised town name; None when known to province level only
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    event_type: str
    sub_event: str | None = None
    actors: tuple[str, ...] = ()  # normalised names of identified actors
    victims: tuple[str, ...] = ()  # victims' rank classes, "unknown" left out
    day: date | None = None


def normalised(name: str) -> str:
    """Lower case, accents and punctuation gone, spaces collapsed: "Hay'at Taḥrir" -> "hayat tahrir"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def fingerprint_of(event: Event) -> Fingerprint:
    place = event.location
    # "The countryside of Aleppo province" (an area named as its province) is province level.
    town = (place is not None and place.precision not in PROVINCE_LEVEL and bool(place.name or place.text)
            and not (place.precision == "area" and place.admin1_name
                     and normalised(place.name or "") == normalised(place.admin1_name)))
    actors = sorted({normalised(a.name) for a in event.actors if a.kind != "unidentified" and normalised(a.name)})
    victims = sorted({v.rank_class for v in event.victims if v.rank_class != "unknown"})
    return Fingerprint(
        report_ids=(event.report_id,),
        event_ids=(event.event_id,),
        country=place.country_code if place else None,
        admin1=place.admin1_code if place else None,
        place=normalised(place.name or place.text) if town and place else None,
        geonameid=place.geonameid if town and place else None,
        lat=place.lat if town and place else None,
        lon=place.lon if town and place else None,
        event_type=event.event_type,
        sub_event=event.acled_sub_event_type,
        actors=tuple(actors),
        victims=tuple(victims),
        day=event.date,
    )


def _spelled_alike(a: str, b: str) -> bool:
    return a == b or SequenceMatcher(None, a, b).ratio() >= SPELLING_SIMILARITY


def _km(a: Fingerprint, b: Fingerprint) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def same_place(a: Fingerprint, b: Fingerprint) -> bool:
    if not a.admin1 or a.admin1 != b.admin1 or a.country != b.country:
        return False
    if a.place is None or b.place is None:
        return True  # one is known to province level only: the town is within it
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    distance = _km(a, b)
    if distance is not None:
        return distance <= NEARBY_KM  # both placed by the gazetteer: the map decides, not the spelling
    return _spelled_alike(a.place, b.place)


def same_kind(a: Fingerprint, b: Fingerprint) -> bool:
    if a.sub_event and b.sub_event:
        return a.sub_event == b.sub_event or any(a.sub_event in g and b.sub_event in g for g in SUB_EVENT_GROUPS)
    return a.event_type == b.event_type


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when either side is empty or some name on one side is spelled alike on the other."""
    return not a or not b or any(_spelled_alike(x, y) for x in a for y in b)


def same_time(a: Fingerprint, b: Fingerprint, date_tolerance: int = DATE_TOLERANCE_DAYS) -> bool:
    return a.day is None or b.day is None or abs((a.day - b.day).days) <= date_tolerance


def differences(a: Fingerprint, b: Fingerprint, date_tolerance: int = DATE_TOLERANCE_DAYS) -> tuple[str, ...]:
    """Why `a` and `b` cannot be one incident (empty when they can), for logs and tests."""
    out = []
    if set(a.report_ids) & set(b.report_ids) and not set(a.event_ids) & set(b.event_ids):
        out.append("report")  # another event of a report already in: the report tells of two
    if not same_place(a, b):
        out.append("place")
    if not same_kind(a, b):
        out.append("kind")
    if not _overlap(a.actors, b.actors):
        out.append("actors")
    if not (not a.victims or not b.victims or set(a.victims) & set(b.victims)):
        out.append("victims")
    if not same_time(a, b, date_tolerance):
        out.append("date")
    return tuple(out)


def same_incident(a: Fingerprint, b: Fingerprint, date_tolerance: int = DATE_TOLERANCE_DAYS) -> bool:
    """True when the two fingerprints can describe one incident (see the module docstring)."""
    return not differences(a, b, date_tolerance)


def merged(known: Fingerprint, new: Fingerprint) -> Fingerprint:
    """An incident's fingerprint after another report joined it: the more precise place, every
    actor and kind of victim reported, the first date and kind given."""
    place = {k: getattr(new if known.place is None and new.place else known, k)
             for k in ("place", "geonameid", "lat", "lon")}
    return known.model_copy(update={
        "report_ids": tuple(dict.fromkeys((*known.report_ids, *new.report_ids)))[-MAX_IDS:],
        "event_ids": tuple(dict.fromkeys((*known.event_ids, *new.event_ids)))[-MAX_IDS:],
        "actors": tuple(sorted({*known.actors, *new.actors})),
        "victims": tuple(sorted({*known.victims, *new.victims})),
        "day": known.day or new.day,
        "sub_event": known.sub_event or new.sub_event,
        **place,
    })
