"""Windows and new terms: the pure state machines, their dict form, and the engine around them."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rules.engine import evaluate, fire, matching_rules
from rules.loader import load_rules
from rules.windows import NewTermState, WindowState, event_keys, event_time
from tests import factories as f

H = 3600.0
DAY = 24 * H


def run_window(times: list[float], count: int = 3, within: timedelta = timedelta(hours=24),
               ids: list[str] | None = None, via_dict: bool = False) -> list[bool]:
    """Feed events (hours) in arrival order; which ones fired."""
    state, fired = WindowState(), []
    for i, hours in enumerate(times):
        if via_dict:  # what a faust table does between events
            state = WindowState.from_dict(json.loads(json.dumps(state.to_dict())))
        state, hit = state.observe(hours * H, (ids or [str(i) for i in range(len(times))])[i], count, within)
        fired.append(hit)
    return fired


WINDOW_CASES = [
    ("third-in-window-fires", [0, 1, 2], None, [False, False, True]),
    ("fourth-in-same-window-does-not-refire", [0, 1, 2, 3, 23], None, [False, False, True, False, False]),
    ("new-burst-after-window-fires-again", [0, 1, 2, 25, 26, 27], None, [False, False, True, False, False, True]),
    ("too-far-apart", [0, 20, 40, 60], None, [False, False, False, False]),
    ("exactly-within-is-inside", [0, 12, 24], None, [False, False, True]),
    ("late-event-completes-window", [10, 0, 5], None, [False, False, True]),
    ("late-event-outside-window-ignored", [0, 30, 31], None, [False, False, False]),
    ("late-event-joins-recent-pair", [0, 30, 31, 20], None, [False, False, False, True]),
    ("late-event-in-fired-window-absorbed", [10, 11, 12, 9.5, 13], None, [False, False, True, False, False]),
    ("same-event-twice-counts-once", [0, 1, 1], ["a", "b", "b"], [False, False, False]),
    ("redelivered-after-firing", [0, 1, 2, 2], ["a", "b", "c", "c"], [False, False, True, False]),
]


@pytest.mark.parametrize("times, ids, expected", [c[1:] for c in WINDOW_CASES], ids=[c[0] for c in WINDOW_CASES])
@pytest.mark.parametrize("via_dict", [False, True], ids=["object", "dict-roundtrip"])
def test_window_state_machine(times, ids, expected, via_dict):
    assert run_window(times, ids=ids, via_dict=via_dict) == expected


def test_window_count_two_and_short_period():
    # 0.5h is inside the first alert's window [0, 0.5h]; 1.0h starts a new one
    assert run_window([0, 0.25, 0.5, 1.0, 1.25], count=2, within=timedelta(minutes=30)) == [False, True, False, False, True]


def test_window_state_is_plain_json_and_stays_small():
    state = WindowState()
    for i in range(2000):  # one event every 5 hours for ~14 months: never 3 within 24h... until
        state, _ = state.observe(i * 5 * H, f"e{i}", 6, timedelta(hours=24))
    data = state.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert len(data["pending"]) <= 12 and len(data["fired"]) <= 2
    assert WindowState.from_dict(data) == state
    assert WindowState.from_dict(None) == WindowState() == WindowState.from_dict({})


def test_window_observe_is_pure():
    before = WindowState()
    after, _ = before.observe(0, "a", 3, timedelta(hours=1))
    assert before == WindowState() and after != before


NEW_TERM_CASES = [
    ("first-sighting-fires", [0], [True]),
    ("seen-again-within-period", [0, 10], [True, False]),
    ("seen-again-after-period", [0, 31], [True, True]),
    ("chain-of-sightings-keeps-it-known", [0, 20, 40, 60], [True, False, False, False]),
    ("late-sighting-before-a-known-one", [10, 0], [True, False]),
    ("late-sighting-long-before", [50, 0], [True, True]),
    ("gap-bridged-by-late-sighting", [0, 50, 25, 60], [True, True, False, False]),
]


@pytest.mark.parametrize("days, expected", [c[1:] for c in NEW_TERM_CASES], ids=[c[0] for c in NEW_TERM_CASES])
@pytest.mark.parametrize("via_dict", [False, True], ids=["object", "dict-roundtrip"])
def test_new_term_state_machine(days, expected, via_dict):
    state, fired = NewTermState(), []
    for day in days:
        if via_dict:
            state = NewTermState.from_dict(json.loads(json.dumps(state.to_dict())))
        state, hit = state.observe(day * DAY, timedelta(days=30))
        fired.append(hit)
    assert fired == expected


def test_new_term_state_stays_small():
    state = NewTermState()
    for day in range(0, 3650, 45):
        state, hit = state.observe(day * DAY, timedelta(days=30))
        assert hit
    assert len(state.seen) <= 2


@pytest.mark.parametrize("event, expected", [
    (f.seed_event(), datetime(2017, 11, 25, tzinfo=timezone.utc)),
    (f.seed_event(date=None), f.SEED_PUBLISHED),
    (f.seed_event(date=None, source=f.source(published_at=None)), None),
    (f.seed_event(date=date(2017, 11, 24)), datetime(2017, 11, 24, tzinfo=timezone.utc)),
], ids=["date", "published-at", "none", "date-wins"])
def test_event_time(event, expected):
    assert event_time(event) == expected


@pytest.mark.parametrize("paths, event, expected", [
    (("location.admin1_code",), f.seed_event(), ["location.admin1_code=SY-HL"]),
    (("actors.name", "location.admin1_code"), f.seed_event(actors=(f.actor(), f.actor("HTS", "Hay'at Tahrir al-Sham"))),
     ["actors.name=Hay'at Tahrir al-Sham|location.admin1_code=SY-HL", "actors.name=Islamic State|location.admin1_code=SY-HL"]),
    (("actors.name",), f.seed_event(actors=()), []),
    (("location.admin1_code",), f.seed_event(location=None), []),
    (("date",), f.seed_event(), ["date=2017-11-25"]),
], ids=["one-path", "cross-product", "empty-list", "missing-object", "date-rendered"])
def test_event_keys(paths, event, expected):
    assert event_keys(event, paths) == expected


# -- the engine ------------------------------------------------------------------------------
RULES = """\
id: killing
title: Any killing
level: low
when: {event_type: ASSAULT, fatalities: {gte: 1}}
---
id: three-in-province
title: Three attacks in a province within 24h
level: high
when: {event_type: ASSAULT}
window: {count: 3, within: 24h, by: [location.admin1_code]}
---
id: group-new-in-province
title: Group new in province
level: medium
when: {actors: {exists: true}}
new_term: {fields: [actors.name, location.admin1_code], within: 30d}
"""


@pytest.fixture
def ruleset(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES)
    loaded = load_rules([path])
    assert loaded.errors == [] and len(loaded.rules) == 3
    return loaded


def attack(n: int, day: int = 25, admin1: str = "SY-HL", **overrides):
    values = {"event_id": f"ev-{n}", "date": date(2017, 11, day), "location": f.place(admin1_code=admin1)}
    return f.seed_event(**(values | overrides))


def test_evaluate_applies_windows_and_new_terms(ruleset):
    state: dict = {}
    fired = [[r.id for r in evaluate(ruleset, e, state)] for e in
             [attack(1), attack(2), attack(3, admin1="SY-ID"), attack(4), attack(5)]]
    assert fired == [
        ["killing", "group-new-in-province"],
        ["killing"],
        ["killing", "group-new-in-province"],  # Idlib: its own window, and IS is new there
        ["killing", "three-in-province"],       # the third in Aleppo
        ["killing"],                            # the fourth: same window, no second alert
    ]
    assert json.loads(json.dumps(state)) == state and all(isinstance(k, str) for k in state)
    assert "three-in-province#location.admin1_code=SY-HL" in state


def test_evaluate_orders_by_event_time_not_arrival(ruleset):
    state: dict = {}
    late = [attack(1, day=25), attack(2, day=20), attack(3, day=26), attack(4, day=25)]
    fired = [[r.id for r in evaluate(ruleset, e, state) if r.id == "three-in-province"] for e in late]
    assert fired == [[], [], [], ["three-in-province"]]  # the 20th is too early to count


def test_fire_reports_the_keys(ruleset):
    state: dict = {}
    firings = fire(ruleset, attack(1, actors=(f.actor(), f.actor("HTS", "Hay'at Tahrir al-Sham"))), state)
    new = next(x for x in firings if x.rule.id == "group-new-in-province")
    assert new.keys == ("actors.name=Hay'at Tahrir al-Sham|location.admin1_code=SY-HL",
                        "actors.name=Islamic State|location.admin1_code=SY-HL")


def test_undated_events_skip_stateful_rules_unless_now_is_given(ruleset):
    undated = attack(1, date=None, source=f.source(published_at=None))
    assert [r.id for r in evaluate(ruleset, undated, {})] == ["killing"]
    now = datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert [r.id for r in evaluate(ruleset, undated, {}, now=now)] == ["killing", "group-new-in-province"]


def test_matching_rules_is_stateless_and_skips_stateful_rules(ruleset):
    for _ in range(3):
        assert [r.id for r in matching_rules(ruleset, attack(1))] == ["killing"]


def test_default_pack_declares_a_window_and_a_new_term():
    pack = load_rules()
    by_id = {r.id: r for r in pack.rules}
    window = by_id["attacks-in-province-cluster"].spec.window
    assert window is not None and (window.count, window.period, window.by) == (3, timedelta(hours=24), ("location.admin1_code",))
    new_term = by_id["group-first-seen-in-province"].spec.new_term
    assert new_term is not None and new_term.fields == ("actors.name", "location.admin1_code")
    assert new_term.period == timedelta(days=30)
