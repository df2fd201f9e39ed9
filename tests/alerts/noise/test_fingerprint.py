"""Fuzzy incident matching: which differently worded reports are one incident (table-driven)."""

from __future__ import annotations

from datetime import date

import pytest

from alerts.noise.fingerprint import differences, fingerprint_of, merged, normalised, same_incident
from tests.factories import actor, place, seed_event, victim

SEED = seed_event()
PROVINCE_ONLY = place(text="Aleppo countryside", name="Aleppo", precision="admin1", geonameid=170063,
                      lat=36.0, lon=37.5)
NEARBY_VILLAGE = place(text="Jarrah", name="Jarrah", geonameid=999001, lat=36.03, lon=38.05, precision="town")
FAR_TOWN = place(text="Azaz", name="Azaz", geonameid=170017, lat=36.586, lon=37.044, precision="town")
HOMS = place(text="Homs", name="Homs", admin1_name="Homs", admin1_code="SY-HI", geonameid=169577,
             lat=34.73, lon=36.71, precision="town")
OTHER_REPORT = {"report_id": "enab-1", "event_id": "enab-1:0"}

SAME = [
    ("a second outlet, word for word", {}),
    ("actor spelled differently", {"actors": (actor("Daesh", "Islamic-State"),)}),
    ("actor unknown in one report", {"actors": (actor("gunmen", "gunmen", "unidentified"),)}),
    ("no actor at all", {"actors": ()}),
    ("province-level place vs the town", {"location": PROVINCE_ONLY}),
    ("a village 8 km away", {"location": NEARBY_VILLAGE}),
    ("town spelled differently", {"location": place(name="Maskana", geonameid=None)}),
    ("dated a day later", {"date": date(2017, 11, 26)}),
    ("no date", {"date": None}),
    ("an attack, not an IED", {"acled_sub_event_type": "Attack", "acled_event_type": "Violence against civilians"}),
    ("only one rank named", {"victims": (victim("a Brigadier", rank="Brigadier", rank_class="senior_officer"),)}),
    ("no ranks named", {"victims": (victim("three soldiers", count=3),)}),
    ("another senior rank for the same man", {"victims": (victim("a Brigadier General", rank="General",
                                                                 rank_class="senior_officer"),)}),
    ("the countryside of the province", {"location": place(text="the countryside of Aleppo", name="Aleppo",
                                                           precision="area", geonameid=170062)}),
]

DIFFERENT = [
    ("another province", {"location": HOMS}, ("place",)),
    ("another town 60 km away", {"location": FAR_TOWN}, ("place",)),
    ("a namesake 60 km away", {"location": place(geonameid=1234, lat=36.6, lon=37.0)}, ("place",)),
    ("another country's admin1 code", {"location": place(country_code="IRQ")}, ("place",)),
    ("no place at all", {"location": None}, ("place",)),
    ("a protest", {"event_type": "PROTEST", "acled_sub_event_type": "Peaceful protest"}, ("kind",)),
    ("an air strike vs an arrest", {"event_type": "COERCE", "acled_sub_event_type": "Arrests"}, ("kind",)),
    ("another group", {"actors": (actor("HTS", "Hay'at Tahrir al-Sham", "jihadist"),)}, ("actors",)),
    ("civilians, not officers", {"victims": (victim("two civilians", rank_class="civilian", count=2),)}, ("victims",)),
    ("three days later", {"date": date(2017, 11, 28)}, ("date",)),
]


@pytest.mark.parametrize("why, changes", SAME, ids=[row[0] for row in SAME])
def test_reports_of_one_incident_match(why, changes):
    other = seed_event(**(OTHER_REPORT | changes))
    assert differences(fingerprint_of(SEED), fingerprint_of(other)) == ()
    assert same_incident(fingerprint_of(other), fingerprint_of(SEED))  # symmetric


@pytest.mark.parametrize("why, changes, reasons", DIFFERENT, ids=[row[0] for row in DIFFERENT])
def test_reports_of_different_incidents_do_not(why, changes, reasons):
    other = seed_event(**(OTHER_REPORT | changes))
    assert differences(fingerprint_of(SEED), fingerprint_of(other)) == reasons
    assert not same_incident(fingerprint_of(other), fingerprint_of(SEED))


@pytest.mark.parametrize("first, second, same", [
    ("Attack", "Armed clash", True),
    ("Armed clash", "Non-state actor overtakes territory", True),
    ("Air/drone strike", "Shelling/artillery/missile attack", True),
    ("Remote explosive/landmine/IED", "Attack", True),
    ("Peaceful protest", "Protest with intervention", True),
    ("Air/drone strike", "Armed clash", True),
    ("Sexual violence", "Armed clash", False),
    ("Air/drone strike", "Arrests", False),
    ("Remote explosive/landmine/IED", "Non-state actor overtakes territory", False),
    ("Change to group/activity", "Armed clash", False),
    (None, "Armed clash", True),  # one without a sub-event type: the PLOVER type decides
])
def test_sub_event_types_reports_confuse(first, second, same):
    a = seed_event(acled_sub_event_type=first)
    b = seed_event(**OTHER_REPORT, acled_sub_event_type=second)
    assert same_incident(fingerprint_of(a), fingerprint_of(b)) is same


def test_two_events_of_one_report_are_two_incidents_but_a_redelivered_event_is_one():
    second = seed_event(event_id=f"{SEED.report_id}:1")
    assert differences(fingerprint_of(SEED), fingerprint_of(second)) == ("report",)
    assert same_incident(fingerprint_of(SEED), fingerprint_of(seed_event()))


def test_date_tolerance_is_a_parameter():
    later = fingerprint_of(seed_event(**OTHER_REPORT, date=date(2017, 11, 27)))
    assert not same_incident(fingerprint_of(SEED), later)
    assert same_incident(fingerprint_of(SEED), later, date_tolerance=2)


def test_merged_fingerprint_keeps_the_precise_place_and_every_actor():
    vague = fingerprint_of(seed_event(**OTHER_REPORT, location=PROVINCE_ONLY, actors=()))
    precise = fingerprint_of(seed_event(actors=(actor("Daesh", "Islamic State"), actor("HTS", "HTS", "jihadist"))))
    both = merged(vague, precise)
    assert both.place == "maskanah" and both.geonameid == 167080
    assert both.actors == ("hts", "islamic state")
    assert both.report_ids == ("enab-1", SEED.report_id)
    # A third report naming only HTS now matches through the merged actors.
    assert same_incident(both, fingerprint_of(seed_event(report_id="np-1", event_id="np-1:0",
                                                         actors=(actor("HTS", "HTS", "jihadist"),))))


@pytest.mark.parametrize("text, expected", [
    ("Hay'at Taḥrir al-Sham", "hayat tahrir alsham"),
    ("  Islamic   State ", "islamic state"),
    ("MASKANAH", "maskanah"),
])
def test_names_are_normalised_before_comparing(text, expected):
    assert normalised(text) == expected
