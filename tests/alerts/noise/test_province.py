"""The match stage's noise step: later reports join the earlier incident; inhibitions mute."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.model import alert_id_for
from alerts.noise.province import settle
from alerts.noise.recent import RecentIncidents, join
from rules.spec import Dedup, Inhibits, RuleSpec
from tests.factories import SEED_FIRED_AT, actor, place, seed_alert, seed_event

RULE = "senior-officer-killed"


def report(n: int, minutes: int = 0, key: str | None = None, rule_id: str = RULE, **event) -> object:
    """The n-th outlet's report of the seed incident, as the rule's alert (own key per report)."""
    ev = seed_event(report_id=f"r{n}", event_id=f"r{n}:0", **event)
    return seed_alert(ev, rule_id=rule_id, alert_id=alert_id_for(rule_id, ev.event_id),
                      incident_key=key or f"{rule_id}|SY-HL|variant-{n}",
                      fired_at=SEED_FIRED_AT + timedelta(minutes=minutes))


def spec(rule_id: str = RULE, level: str = "critical", **extra) -> RuleSpec:
    return RuleSpec(id=rule_id, title=rule_id, level=level, when={}, **extra)


def test_three_differently_worded_reports_join_the_first_incident():
    memory: dict = {}
    first = report(1)
    second = report(2, 20, actors=(actor("gunmen", "gunmen", "unidentified"),),
                    location=place(name="Aleppo", precision="admin1", geonameid=None))
    third = report(3, 45, actors=(actor("Daesh", "Islamic-State"),), acled_sub_event_type="Attack")
    out = [s for a in (first, second, third) for s in settle([a], memory, {RULE: spec()})]
    assert [s.how for s in out] == ["new", "fuzzy", "fuzzy"]
    assert {s.alert.incident_key for s in out} == {first.incident_key}
    assert out[2].alert.own_incident_key == third.incident_key
    assert out[0].alert == first  # the first is published as it fired


@pytest.mark.parametrize("why, later, how, joins", [
    ("same dedup key, another town", report(2, 10, key=f"{RULE}|SY-HL|variant-1",
                                            location=place(name="Azaz", geonameid=1, lat=36.6, lon=37.0)), "exact", True),
    ("a redelivery of the first", report(1, 30), "repeat", True),
    ("another province", report(2, 10, location=place(admin1_code="SY-HI", name="Homs", geonameid=2)), "new", False),
    ("after the incident window", report(2, 6 * 60 + 1), "new", False),
    ("another rule", report(2, 10, rule_id="mass-casualty-attack"), "new", False),
])
def test_what_joins_and_what_opens_an_incident(why, later, how, joins):
    memory: dict = {}
    first = report(1)
    settle([first], memory, {})
    [item] = settle([later], memory, {})
    assert item.how == how
    assert (item.alert.incident_key == first.incident_key) is joins


def test_a_rule_can_turn_fuzzy_matching_off():
    memory: dict = {}
    rules = {RULE: spec(dedup=Dedup(key=("location.admin1_code",), fuzzy=False))}
    settle([report(1)], memory, rules)
    [item] = settle([report(2, 10)], memory, rules)
    assert item.how == "new" and item.alert.own_incident_key is None


def test_an_event_without_a_province_is_left_alone():
    memory: dict = {}
    lone = report(1, location=None)
    assert settle([lone], memory, {})[0].alert == lone and memory == {}


def test_incidents_past_their_window_are_forgotten():
    recent = RecentIncidents()
    _, recent, _ = join(recent, report(1))
    _, recent, _ = join(recent, report(2, 7 * 60, location=place(admin1_code="SY-HL", name="Azaz", geonameid=9,
                                                                  lat=36.6, lon=37.0)))
    assert [k.incident_key for k in recent.incidents] == [f"{RULE}|SY-HL|variant-2"]


def test_memory_survives_a_json_round_trip():
    import json

    memory: dict = {}
    settle([report(1)], memory, {})
    memory = json.loads(json.dumps(memory))
    [item] = settle([report(2, 5)], memory, {})
    assert item.how == "fuzzy"


# ---- inhibition ---------------------------------------------------------------------------

CAPTURE = "territory-captured"
LESSER = "group-withdraws"


def capture(minutes: int = 0, **event):
    ev = seed_event(report_id="cap", event_id="cap:0", event_type="ASSAULT",
                    acled_sub_event_type="Non-state actor overtakes territory", **event)
    return seed_alert(ev, rule_id=CAPTURE, alert_id=alert_id_for(CAPTURE, ev.event_id), title="Territory captured",
                      level="high", incident_key=f"{CAPTURE}|SY-HL", fired_at=SEED_FIRED_AT + timedelta(minutes=minutes))


def lesser(n: int, minutes: int, level: str = "medium", rule_id: str = LESSER, **event):
    ev = seed_event(report_id=f"l{n}", event_id=f"l{n}:0", event_type="RETREAT",
                    acled_sub_event_type="Change to group/activity", **event)
    return seed_alert(ev, rule_id=rule_id, alert_id=alert_id_for(rule_id, ev.event_id), title=rule_id, level=level,
                      incident_key=f"{rule_id}|{n}", fired_at=SEED_FIRED_AT + timedelta(minutes=minutes))


RULES = {CAPTURE: spec(CAPTURE, "high", inhibits=Inhibits(within="6h")), LESSER: spec(LESSER, "medium")}


@pytest.mark.parametrize("why, alert, muted", [
    ("lesser, same province, within 6 h", lesser(1, 30), True),
    ("lesser, same province, just before 6 h", lesser(1, 6 * 60 - 1), True),
    ("after 6 h", lesser(1, 6 * 60), False),
    ("another province", lesser(1, 30, location=place(admin1_code="SY-HI", name="Homs")), False),
    ("same level as the source", lesser(1, 30, level="high"), False),
    ("higher level", lesser(1, 30, level="critical"), False),
])
def test_a_capture_mutes_lesser_alerts_of_the_same_province(why, alert, muted):
    memory: dict = {}
    [source] = settle([capture()], memory, RULES)
    assert source.alert.inhibited_by is None
    [item] = settle([alert], memory, RULES)
    assert (item.alert.inhibited_by is not None) is muted
    if muted:
        assert item.alert.inhibited_by.alert_id == source.alert.alert_id
        assert item.alert.inhibited_by.rule_id == CAPTURE


def test_alerts_before_the_capture_are_not_muted_and_the_source_never_mutes_its_own_rule():
    memory: dict = {}
    [before] = settle([lesser(1, 0)], memory, RULES)
    settle([capture(1)], memory, RULES)
    [again] = settle([capture(30, location=place(name="Dayr Hafir", geonameid=5, lat=36.15, lon=37.7))], memory, RULES)
    assert before.alert.inhibited_by is None and again.alert.inhibited_by is None


@pytest.mark.parametrize("inhibits, alert, muted", [
    (Inhibits(levels=("low",)), lesser(1, 5, level="medium"), False),
    (Inhibits(levels=("low", "medium")), lesser(1, 5, level="medium"), True),
    (Inhibits(rules=("other-rule",)), lesser(1, 5), False),
    (Inhibits(rules=(LESSER,)), lesser(1, 5), True),
    (Inhibits(tags=("territory",)), lesser(1, 5), False),
    (Inhibits(tags=("military",)), lesser(1, 5), True),  # the factories' alerts carry military
    (Inhibits(same=("location.admin1_code", "location.name")), lesser(1, 5, location=place(name="Dayr Hafir")), False),
    (Inhibits(same=("location.admin1_code", "location.name")), lesser(1, 5), True),
])
def test_targets_and_equal_labels(inhibits, alert, muted):
    memory: dict = {}
    rules = {CAPTURE: spec(CAPTURE, "high", inhibits=inhibits)}
    settle([capture()], memory, rules)
    [item] = settle([alert], memory, rules)
    assert (item.alert.inhibited_by is not None) is muted


def test_a_second_capture_extends_the_inhibition():
    memory: dict = {}
    settle([capture()], memory, RULES)
    settle([capture(5 * 60)], memory, RULES)
    [item] = settle([lesser(1, 10 * 60)], memory, RULES)
    assert item.alert.inhibited_by is not None
    assert len(memory["inhibitions|SY-HL"]["active"]) == 1


def test_inhibits_must_keep_the_province():
    with pytest.raises(ValueError, match="must include location.admin1_code"):
        Inhibits(same=("location.name",))
