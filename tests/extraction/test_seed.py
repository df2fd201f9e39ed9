"""The seed report (SOHR, Aleppo countryside) as issue 3 states it must come out."""

from __future__ import annotations

from datetime import date

import pytest


def _one(events, sub_event_type):
    found = [e for e in events if e.acled_sub_event_type == sub_event_type]
    assert len(found) == 1, [e.acled_sub_event_type for e in events]
    return found[0]


def test_ied_killing_near_maskanah(seed_events):
    event = _one(seed_events, "Remote explosive/landmine/IED")
    assert event.event_type == "ASSAULT" and "explosives" in event.event_mode
    assert event.acled_event_type == "Explosions/Remote violence"
    assert event.fatalities == 3
    assert event.location.name == "Maskanah"
    assert event.location.admin1_code == "SY-HL" and event.location.country_code == "SYR"
    victims = {v.rank: v for v in event.victims if v.rank}
    assert victims["Brigadier"].rank_class == "senior_officer" and victims["Brigadier"].outcome == "killed"
    assert victims["Brigadier"].affiliation == "Syrian Armed Forces"
    assert victims["General"].status == "retired" and victims["General"].outcome == "killed"
    assert "ied" in event.weapon
    assert event.evidence.text.startswith("A senior officer in the regime forces")


def test_guided_missile_strike_on_the_road(seed_events):
    event = _one(seed_events, "Shelling/artillery/missile attack")
    assert (event.fatalities, event.injured) == (2, 1)
    colonel = next(v for v in event.victims if v.rank == "Colonel")
    assert (colonel.rank_class, colonel.outcome) == ("senior_officer", "injured")
    assert event.location.name == "Ithriyah - Al-Raqqah road"
    assert "guided_missile" in event.weapon
    assert [a.name for a in event.actors] == ["Islamic State"]


def test_isis_withdraws_from_aleppo_countryside_to_the_desert(seed_events):
    retreats = [e for e in seed_events if e.event_type == "RETREAT"]
    assert len(retreats) == 1, "two sentences tell one withdrawal"
    event = retreats[0]
    assert event.event_mode == ("withdraw",)
    assert [a.name for a in event.actors] == ["Islamic State"]
    assert event.location.admin1_code == "SY-HL"
    assert event.location.qualifier == "southern countryside of"
    assert event.destination.name == "Syrian Desert"
    assert event.date == date(2017, 11, 24), "'last night' is the day before publication"


def test_end_of_isis_presence_in_aleppo_province(seed_events):
    event = next(e for e in seed_events if e.acled_sub_event_type == "Government regains territory" and not e.negated)
    assert [a.name for a in event.actors] == ["Syrian Armed Forces"]
    assert [r.name for r in event.recipients] == ["Islamic State"]
    assert (event.location.admin1_code, event.location.precision) == ("SY-HL", "admin1")


def test_at_least_four_events_each_with_offsets_into_the_text(seed_events):
    from tests.extraction.conftest import SEED

    text = SEED.read_text(encoding="utf-8")
    assert len([e for e in seed_events if not e.negated]) >= 4
    for event in seed_events:
        assert text[event.evidence.start:event.evidence.end] == event.evidence.text
        assert 0 < event.confidence <= 1
    assert len({e.event_id for e in seed_events}) == len(seed_events)


@pytest.mark.parametrize("text, field, expected", [
    ("Neither fatalities nor injuries were reported after shelling hit Aleppo.", "fatalities", 0),
    ("Unknown gunmen shot dead two civilians in Kandahar city.", "fatalities", 2),
    ("Government forces reportedly killed 12 militants in Helmand.", "hedged", True),
    ("The army denied that a colonel was killed in Idlib.", "negated", True),
], ids=["none-reported", "counted-civilians", "hedged", "denied"])
def test_losses_and_modality(extract_text, text, field, expected):
    events = extract_text(text)
    assert events, text
    assert getattr(events[0], field) == expected
