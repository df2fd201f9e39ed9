"""alerts/render/facts.py: the wording shared by Slack and email."""

from __future__ import annotations

import pytest

from alerts.render import facts
from tests import factories as f

VICTIMS = [
    ("rank-affiliation", f.victim("a Brigadier", rank="Brigadier", affiliation="regime forces"),
     "Brigadier (regime forces) — killed"),
    ("retired", f.victim("a retired General", rank="General", status="retired"), "retired General — killed"),
    ("no-rank", f.victim("his driver"), "his driver — killed"),
    ("count", f.victim("two of his companions", count=2), "2 × two of his companions — killed"),
    ("count-unknown", f.victim("civilians", count=None), "civilians — killed"),
    ("injured", f.victim("a colonel", rank="colonel", outcome="injured"), "colonel — injured"),
]


@pytest.mark.parametrize(("victim", "expected"), [c[1:] for c in VICTIMS], ids=[c[0] for c in VICTIMS])
def test_victim_line(victim, expected) -> None:
    assert facts.victim_line(victim) == expected


PLACES = [
    ("town", f.place(), "countryside of Maskanah, Aleppo (SY-HL), Syria", "Maskanah, Aleppo"),
    ("province", f.place(name="Aleppo", qualifier="southern countryside of"),
     "southern countryside of Aleppo (SY-HL), Syria", "Aleppo"),
    ("country-only", f.place(text="Syria", name="Syria", qualifier=None, admin1_name=None, admin1_code=None),
     "Syria", "Syria"),
    ("unresolved", f.place(text="the desert", qualifier=None, name=None, admin1_name=None,
                           admin1_code=None, country=None), "the desert", "the desert"),
    ("none", None, "", ""),
]


@pytest.mark.parametrize(("place", "full", "short"), [c[1:] for c in PLACES], ids=[c[0] for c in PLACES])
def test_place(place, full, short) -> None:
    assert facts.place_full(place) == full
    assert facts.place_label(place) == short


CASUALTIES = [
    ("both", dict(fatalities=3, injured=1), "3 killed · 1 injured"),
    ("killed-only", dict(fatalities=3, injured=None), "3 killed"),
    ("none-said", dict(fatalities=0, injured=0), "0 killed · 0 injured"),
    ("unknown", dict(fatalities=None, injured=None), "not reported"),
]


@pytest.mark.parametrize(("counts", "expected"), [c[1:] for c in CASUALTIES], ids=[c[0] for c in CASUALTIES])
def test_casualties(counts, expected) -> None:
    assert facts.casualties(f.seed_event(**counts)) == expected


def test_when_falls_back_to_publication_date() -> None:
    assert facts.when(f.seed_event(date=None)) == "reported 2017-11-25"
    assert facts.when(f.seed_event(date=None, source=f.source(published_at=None))) == "unknown"
