"""Every operator and combinator of the condition language, table-driven over contract events."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules.conditions import Compiler, get_value
from rules.located import Located
from tests import factories as f

LISTS = {"senior_ranks": ["Field Marshal", "General", "Brigadier", "Colonel"], "bombs": ["ied", "vbied"]}
ALIASES = {"isis": {"Islamic State"}, "daesh": {"Islamic State"}, "saa": {"Syrian Arab Army"}}


def aliases(alias: str) -> set[str]:
    return ALIASES.get(alias.lower(), set())


def compile_when(when: Any, macros: dict | None = None) -> tuple[Any, list]:
    doc = Located({"when": when}, {}, "inline.yaml")
    compiler = Compiler(doc, LISTS, macros or {}, aliases)
    return compiler.block(when, ("when",)), compiler.errors


def macros() -> dict:
    predicate, errors = compile_when({"negated": False, "hedged": False})
    assert not errors
    return {"reported_as_fact": predicate}


SEED = f.seed_event()
# (id, when, event, expected): the seed event unless stated; it is an ASSAULT near Maskanah
# (SY-HL) with fatalities 3, weapon (ied,), modes (explosives, assassinate), victims a Brigadier,
# a retired General and a driver, all killed, on 2017-11-25.
OPERATOR_CASES = [
    ("eq-plain-true", {"event_type": "ASSAULT"}, SEED, True),
    ("eq-plain-false", {"event_type": "RETREAT"}, SEED, False),
    ("eq-op", {"event_type": {"eq": "ASSAULT"}}, SEED, True),
    ("ne-true", {"event_type": {"ne": "RETREAT"}}, SEED, True),
    ("ne-false", {"event_type": {"ne": "ASSAULT"}}, SEED, False),
    ("ne-missing-value", {"injured": {"ne": 3}}, SEED, True),
    ("in-true", {"event_type": {"in": ["COERCE", "ASSAULT"]}}, SEED, True),
    ("in-false", {"event_type": {"in": ["PROTEST"]}}, SEED, False),
    ("in-plain-list", {"acled_sub_event_type": ["Suicide bomb", "Remote explosive/landmine/IED"]}, SEED, True),
    ("in-dollar-list", {"weapon": {"in": "$bombs"}}, SEED, True),
    ("in-plain-dollar-list", {"weapon": "$bombs"}, f.seed_event(weapon=("airstrike",)), False),
    ("not_in-true", {"event_type": {"not_in": ["PROTEST", "RETREAT"]}}, SEED, True),
    ("not_in-false", {"event_type": {"not_in": ["ASSAULT"]}}, SEED, False),
    ("gt-true", {"fatalities": {"gt": 2}}, SEED, True),
    ("gt-false", {"fatalities": {"gt": 3}}, SEED, False),
    ("gte-equal", {"fatalities": {"gte": 3}}, SEED, True),
    ("gte-10-seed", {"fatalities": {"gte": 10}}, SEED, False),
    ("lt-false", {"fatalities": {"lt": 3}}, SEED, False),
    ("lte-true", {"fatalities": {"lte": 3}}, SEED, True),
    ("gte-missing", {"fatalities": {"gte": 0}}, f.seed_event(fatalities=None), False),
    ("lt-missing", {"fatalities": {"lt": 10}}, f.seed_event(fatalities=None), False),
    ("float-compare", {"confidence": {"gte": 0.8}}, SEED, True),
    ("date-gte", {"date": {"gte": date(2017, 11, 1)}}, SEED, True),
    ("date-lt", {"date": {"lt": date(2017, 11, 25)}}, SEED, False),
    ("datetime-vs-date", {"source.published_at": {"gte": date(2017, 11, 25)}}, SEED, True),
    ("matches-true", {"evidence.text": {"matches": "(?i)IED explosion"}}, SEED, True),
    ("matches-anchored-false", {"evidence.text": {"matches": "^Brigadier"}}, SEED, False),
    ("contains-case-insensitive", {"evidence.text": {"contains": "MASKANAH"}}, SEED, True),
    ("contains-false", {"evidence.text": {"contains": "Raqqa"}}, SEED, False),
    ("contains-list", {"victims.text": {"contains": "driver"}}, SEED, True),
    ("within-province", {"location": {"within": "SY-HL"}}, SEED, True),
    ("within-country-iso2", {"location": {"within": "SY"}}, SEED, True),
    ("within-country-iso3", {"location": {"within": "SYR"}}, SEED, True),
    ("within-other-province", {"location": {"within": "SY-ID"}}, SEED, False),
    ("within-list", {"location": {"within": ["SY-ID", "SY-HL"]}}, SEED, True),
    ("within-no-location", {"location": {"within": "SY"}}, f.seed_event(location=None), False),
    ("within-destination", {"destination": {"within": "SY"}}, SEED, False),
    ("alias-true", {"actors": {"any": {"name": {"alias": "daesh"}}}}, SEED, True),
    ("alias-false", {"actors": {"any": {"name": {"alias": "saa"}}}}, SEED, False),
    ("alias-through-list", {"recipients.name": {"alias": "saa"}}, SEED, True),
    ("exists-true", {"location": {"exists": True}}, SEED, True),
    ("exists-false-missing", {"location": {"exists": False}}, f.seed_event(location=None), True),
    ("exists-scalar-missing", {"injured": {"exists": True}}, SEED, False),
    ("exists-empty-list", {"actors": {"exists": False}}, f.seed_event(actors=()), True),
    ("any-true", {"victims": {"any": {"rank_class": "senior_officer", "outcome": "killed"}}}, SEED, True),
    ("any-false", {"victims": {"any": {"outcome": "injured"}}}, SEED, False),
    ("any-empty", {"victims": {"any": {"outcome": "killed"}}}, f.seed_event(victims=()), False),
    ("all-true", {"victims": {"all": {"outcome": "killed"}}}, SEED, True),
    ("all-false", {"victims": {"all": {"rank_class": "senior_officer"}}}, SEED, False),
    ("all-empty", {"victims": {"all": {"outcome": "killed"}}}, f.seed_event(victims=()), False),
    ("list-field-contains", {"event_mode": "assassinate"}, SEED, True),
    ("list-field-contains-false", {"weapon": "airstrike"}, SEED, False),
    ("list-field-in", {"weapon": {"in": ["vbied", "ied"]}}, SEED, True),
    ("list-field-ne-true", {"weapon": {"ne": "airstrike"}}, SEED, True),
    ("list-field-ne-false", {"weapon": {"ne": "ied"}}, SEED, False),
    ("list-field-not_in", {"weapon": {"not_in": ["ied"]}}, SEED, False),
    ("path-through-list", {"victims.rank": "General"}, SEED, True),
    ("path-through-list-false", {"victims.rank": "Colonel"}, SEED, False),
    ("path-through-list-compare", {"victims.count": {"gte": 1}}, SEED, True),
    ("path-through-list-dollar", {"victims.rank": {"in": "$senior_ranks"}}, SEED, True),
    ("object-subfield", {"location": {"admin1_code": "SY-HL", "exists": True}}, SEED, True),
    ("object-subfield-false", {"location": {"admin1_code": "SY-ID"}}, SEED, False),
    ("dotted-object-field", {"location.admin1_name": "Aleppo"}, SEED, True),
    ("bool-field", {"negated": False}, SEED, True),
]


@pytest.mark.parametrize("when, event, expected", [c[1:] for c in OPERATOR_CASES], ids=[c[0] for c in OPERATOR_CASES])
def test_operator(when, event, expected):
    predicate, errors = compile_when(when)
    assert errors == []
    assert predicate(event) is expected


COMBINATOR_CASES = [
    ("implicit-all-true", {"event_type": "ASSAULT", "fatalities": {"gte": 3}}, SEED, True),
    ("implicit-all-false", {"event_type": "ASSAULT", "fatalities": {"gte": 4}}, SEED, False),
    ("all-list-true", {"all": [{"event_type": "ASSAULT"}, {"location": {"within": "SY"}}]}, SEED, True),
    ("all-list-false", {"all": [{"event_type": "ASSAULT"}, {"location": {"within": "IQ"}}]}, SEED, False),
    ("any-list-true", {"any": [{"event_type": "RETREAT"}, {"fatalities": {"gte": 3}}]}, SEED, True),
    ("any-list-false", {"any": [{"event_type": "RETREAT"}, {"fatalities": {"gte": 4}}]}, SEED, False),
    ("not-true", {"not": {"negated": True}}, SEED, True),
    ("not-false", {"not": {"event_type": "ASSAULT"}}, SEED, False),
    ("not-inside-any", {"victims": {"any": {"outcome": "killed", "not": {"rank_class": "unknown"}}}}, SEED, True),
    ("any-inside-any", {"victims": {"any": {"any": [{"rank": "Colonel"}, {"status": "retired"}]}}}, SEED, True),
    ("macro-true", {"all": ["reported_as_fact"]}, SEED, True),
    ("macro-hedged", {"all": ["reported_as_fact"]}, f.seed_event(hedged=True), False),
    ("macro-as-block", "reported_as_fact", f.seed_event(negated=True), False),
    ("not-macro", {"not": "reported_as_fact"}, f.seed_event(negated=True), True),
    ("deep-nesting", {"any": [{"all": [{"not": {"fatalities": {"lt": 3}}}, {"weapon": "ied"}]}]}, SEED, True),
]


@pytest.mark.parametrize("when, event, expected", [c[1:] for c in COMBINATOR_CASES], ids=[c[0] for c in COMBINATOR_CASES])
def test_combinator(when, event, expected):
    predicate, errors = compile_when(when, macros())
    assert errors == []
    assert predicate(event) is expected


ERROR_CASES = [
    ("unknown-field", {"victim": {"exists": True}}, "R004"),
    ("unknown-subfield", {"victims": {"any": {"rnak": "General"}}}, "R004"),
    ("unknown-operator", {"fatalities": {"atleast": 3}}, "R002"),
    ("unknown-operator-on-list-of-objects", {"victims": {"rank": "General"}}, "R002"),
    ("number-expected", {"fatalities": {"gte": "ten"}}, "R003"),
    ("bool-expected", {"negated": "no"}, "R003"),
    ("text-expected", {"event_type": 5}, "R003"),
    ("date-expected", {"date": {"gte": "last week"}}, "R003"),
    ("literal-not-allowed", {"victims": {"any": {"outcome": "dead"}}}, "R003"),
    ("object-plain-value", {"location": "Aleppo"}, "R003"),
    ("compare-text", {"event_type": {"gt": 3}}, "R003"),
    ("any-on-scalar", {"fatalities": {"any": {"eq": 1}}}, "R003"),
    ("within-not-place", {"event_type": {"within": "SY"}}, "R003"),
    ("exists-not-bool", {"location": {"exists": "yes"}}, "R003"),
    ("contains-number", {"fatalities": {"contains": "3"}}, "R003"),
    ("all-not-list", {"all": {"event_type": "ASSAULT"}}, "R003"),
    ("block-not-mapping", {"victims": {"any": ["killed"]}}, "R003"),
    ("in-not-list", {"event_type": {"in": "ASSAULT"}}, "R003"),
    ("bad-pattern", {"evidence.text": {"matches": "(ied"}}, "R006"),
    ("nested-repetition", {"evidence.text": {"matches": "(a+)+$"}}, "R006"),
    ("pattern-too-long", {"evidence.text": {"matches": "a" * 301}}, "R006"),
    ("matches-number", {"fatalities": {"matches": "3"}}, "R003"),
    ("unknown-list", {"weapon": "$nukes"}, "R005"),
    ("unknown-macro", {"all": ["no_such_macro"]}, "R005"),
    ("unknown-alias", {"actors.name": {"alias": "nobody-calls-them-this"}}, "R005"),
]


@pytest.mark.parametrize("when, code", [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_compile_error(when, code):
    predicate, errors = compile_when(when, macros())
    assert [e.code for e in errors] == [code], errors
    assert predicate(SEED) is False  # a broken condition never fires


def test_every_operator_is_covered():
    from rules.conditions import OPERATORS

    used = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            used.update(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for case in OPERATOR_CASES + COMBINATOR_CASES:
        walk(case[1])
    assert set(OPERATORS) <= used
    assert {"all", "any", "not"} <= used


@pytest.mark.parametrize("path, expected", [
    ("fatalities", 3),
    ("location.admin1_code", "SY-HL"),
    ("victims.rank", ("Brigadier", "General", None)),
    ("actors.name", ("Islamic State",)),
    ("destination.name", None),
], ids=["scalar", "dotted", "through-list", "names", "missing-object"])
def test_get_value(path, expected):
    assert get_value(SEED, path) == expected
