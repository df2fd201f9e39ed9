"""The default rule pack through the real extraction, windows and new terms included.

`watchfloor rules test` judges each test report on its own with the rule's conditions; here the
same tests also run through `rules.engine.fire` with a fresh state, so window and new-term
rules are judged the way the stream judges them.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from rules.conditions import get_value
from rules.engine import fire
from rules.loader import load_rules

PACK = load_rules()
CASES = [(rule, n, test) for rule in PACK.rules for n, test in enumerate(rule.spec.tests, start=1)]
# Tests whose text yields no event at all with today's extraction: they pass whatever the rule
# says. Kept because they were written before this check; each rule has other no-fire tests.
VACUOUS = {("group-withdraws-from-province", 2)}
REQUIRED = {
    "senior-officer-killed", "group-withdraws-from-province", "senior-officer-injured", "territory-captured",
    "mass-casualty-attack", "explosive-attack-on-military", "assassination", "airstrike-civilian-casualties",
    "attacks-in-province-cluster", "group-first-seen-in-province",
}


def fired_by(rule_id: str, events: list, state: dict | None = None) -> list:
    state = {} if state is None else state
    return [x.event for e in events for x in fire(PACK, e, state) if x.rule.id == rule_id]


def test_pack_loads_clean_and_has_every_rule_with_tests():
    assert PACK.diagnostics == []
    assert REQUIRED <= {r.id for r in PACK.rules}
    for rule in PACK.rules:
        expectations = {t.expect for t in rule.spec.tests}
        assert expectations == {"fire", "no-fire"}, f"{rule.id} needs a fire and a no-fire test"


@pytest.mark.parametrize("rule, number, test", CASES, ids=[f"{r.id}-{n}" for r, n, _ in CASES])
def test_rule_tests_through_extraction_and_engine(rule, number, test, extract):
    events = extract(test.text, report_id=f"{rule.id}-test-{number}")
    if (rule.id, number) not in VACUOUS:
        assert events, "every test text must yield an event, or a no-fire test proves nothing"
    fired = fired_by(rule.id, events)
    assert bool(fired) == (test.expect == "fire"), [e.acled_sub_event_type for e in events]
    for path, value in test.fields.items():
        assert get_value(fired[0], path) == value


THREE = ("The regime forces shelled Kafr Nabl in the southern countryside of Idlib, killing a child. "
         "ISIS fighters attacked a checkpoint in Saraqib in Idlib, killing a soldier. "
         "Gunmen attacked a police station in Maarrat Misrin in Idlib, wounding three policemen.")


def test_window_needs_three_attacks_in_one_province(extract):
    two = THREE.rsplit(". ", 1)[0] + "."
    assert fired_by("attacks-in-province-cluster", extract(two)) == []
    assert len(fired_by("attacks-in-province-cluster", extract(THREE))) == 1


def test_window_fires_once_per_window_and_across_reports(extract):
    state: dict = {}
    day = datetime(2020, 3, 1, tzinfo=timezone.utc)
    first = fired_by("attacks-in-province-cluster", extract(THREE, day, "r1"), state)
    again = fired_by("attacks-in-province-cluster", extract(THREE, day, "r2"), state)  # same window
    later = fired_by("attacks-in-province-cluster", extract(THREE, day.replace(day=5), "r3"), state)
    assert (len(first), len(again), len(later)) == (1, 0, 1)


def test_new_term_fires_once_for_a_group_in_a_province(extract):
    text = "Hay'at Tahrir al-Sham fighters captured the town of Saraqib in Idlib province after heavy clashes with regime forces."
    state: dict = {}
    day = datetime(2020, 3, 1, tzinfo=timezone.utc)
    fired = [len(fired_by("group-first-seen-in-province", extract(text, at, f"r{i}"), state))
             for i, at in enumerate([day, day.replace(day=20), day.replace(month=5)])]
    assert fired == [1, 0, 1]  # seen again within 30 days: quiet; after two quiet months: new again
