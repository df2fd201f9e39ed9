"""Builders for realistic Events and Alerts, shared by every test suite.

The seed is the first event of shared/seed/000_59a2029cee1cc623.txt: a Brigadier, a retired
General and their driver killed by an IED near Maskanah (Aleppo, SY-HL), which the default rule
`senior-officer-killed` raises as a critical alert. Every builder takes keyword overrides, so a
test states only what it changes: `seed_alert(level="high")`, `seed_event(fatalities=None)`.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from alerts.model import Alert, alert_id_for
from rules.event import Actor, Event, Evidence, Place, Source, Victim

SEED_REPORT_ID = "000_59a2029cee1cc623"
SEED_PUBLISHED = datetime(2017, 11, 25, 10, 0, tzinfo=timezone.utc)
SEED_FIRED_AT = datetime(2017, 11, 25, 10, 5, tzinfo=timezone.utc)
# The sentence and its offsets in the seed report text (checked by tests/alerts/test_factories).
SEED_EVIDENCE = (
    "a Brigadier in the regime forces and a retired General along with his driver were killed "
    "in an IED explosion in their car in the countryside of Maskanah town located in the far "
    "eastern countryside of Aleppo"
)
SEED_EVIDENCE_START = 239
SEED_RULE_ID = "senior-officer-killed"


def source(**overrides: Any) -> Source:
    values: dict[str, Any] = {
        "name": "SOHR",
        "url": "https://www.syriahr.com/en/?p=79033",
        "published_at": SEED_PUBLISHED,
    }
    return Source(**(values | overrides))


def place(**overrides: Any) -> Place:
    """Maskanah, Aleppo governorate (GeoNames 167080; ISO 3166-2 SY-HL)."""
    values: dict[str, Any] = {
        "text": "the countryside of Maskanah town",
        "qualifier": "countryside of",
        "name": "Maskanah",
        "admin1_name": "Aleppo",
        "admin1_code": "SY-HL",
        "country": "Syria",
        "country_code": "SYR",
        "lat": 35.96577,
        "lon": 38.04165,
        "geonameid": 167080,
        "precision": "area",
    }
    return Place(**(values | overrides))


def actor(text: str = "ISIS", name: str = "Islamic State", kind: str = "jihadist") -> Actor:
    return Actor(text=text, name=name, kind=kind)


def victim(text: str, outcome: str = "killed", **overrides: Any) -> Victim:
    return Victim(text=text, outcome=outcome, **overrides)


def seed_victims() -> tuple[Victim, ...]:
    return (
        victim("a Brigadier in the regime forces", rank="Brigadier", rank_class="senior_officer",
               affiliation="regime forces"),
        victim("a retired General", rank="General", rank_class="senior_officer", status="retired"),
        victim("his driver", rank_class="unknown"),
    )


def evidence(text: str = SEED_EVIDENCE, start: int = SEED_EVIDENCE_START) -> Evidence:
    return Evidence(text=text, start=start, end=start + len(text))


def seed_event(**overrides: Any) -> Event:
    """The seed IED event; any field can be overridden."""
    values: dict[str, Any] = {
        "event_id": f"{SEED_REPORT_ID}:0",
        "report_id": SEED_REPORT_ID,
        "source": source(),
        "event_type": "ASSAULT",
        "event_mode": ("explosives", "assassinate"),
        "acled_event_type": "Explosions/Remote violence",
        "acled_sub_event_type": "Remote explosive/landmine/IED",
        "actors": (actor(),),
        "recipients": (actor("the regime forces", "Syrian Arab Army", "state"),),
        "victims": seed_victims(),
        "fatalities": 3,
        "injured": None,
        "weapon": ("ied",),
        "location": place(),
        "date": date(2017, 11, 25),
        "evidence": evidence(),
        "confidence": 0.86,
    }
    return Event(**(values | overrides))


def event(**overrides: Any) -> Event:
    """Alias of seed_event for tests that only care about some fields."""
    return seed_event(**overrides)


def seed_alert(event: Event | None = None, **overrides: Any) -> Alert:
    """The critical `senior-officer-killed` alert raised on the seed event."""
    ev = event if event is not None else seed_event()
    rule_id = overrides.get("rule_id", SEED_RULE_ID)
    values: dict[str, Any] = {
        "alert_id": alert_id_for(rule_id, ev.event_id),
        "rule_id": rule_id,
        "title": "Senior officer killed",
        "level": "critical",
        "tags": ("military", "leadership"),
        "receivers": ("slack:syria-watch", "email:duty-officers"),
        "incident_key": f"{rule_id}|SY-HL|Brigadier,General",
        "fired_at": SEED_FIRED_AT,
        "event": ev,
    }
    return Alert(**(values | overrides))


def alert(**overrides: Any) -> Alert:
    """Alias of seed_alert."""
    return seed_alert(**overrides)


def hostile_event(payload: str = "<!channel> <!here> <@U123> <https://evil|click>") -> Event:
    """The seed event with `payload` planted in every report-derived string."""
    return seed_event(
        source=source(name=f"SOHR {payload}",
                      url=f"https://evil.example/x?a=1&b={payload.replace(' ', '')}"),
        actors=(actor(text=payload, name=f"Islamic State {payload}"),),
        victims=(victim(f"{payload} driver", rank=f"Brigadier {payload}",
                        rank_class="senior_officer", affiliation=payload),),
        location=place(text=payload, name=f"Maskanah {payload}", qualifier=payload),
        evidence=evidence(f"{SEED_EVIDENCE} {payload}"),
        report_id=f"r-{payload}",
    )
