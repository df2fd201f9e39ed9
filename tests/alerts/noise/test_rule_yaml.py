"""Noise settings as written in rule files reach the alerts and the rule set."""

from __future__ import annotations

from pathlib import Path

from alerts.fire import alerts_for
from alerts.model import GroupPolicy, RealertPolicy
from rules.loader import default_pack, load_rules
from tests.factories import SEED_FIRED_AT, seed_event

RULES = """\
id: killing-with-realert
title: Killing
level: medium
when: {event_type: ASSAULT}
dedup: {key: [location.admin1_code], within: 12h, fuzzy: false}
realert: {every: 1h, exponential: true, max: 24h}
inhibits: {levels: [low], within: 2h, same: [location.admin1_code, location.name]}
---
quiet_hours:
  - name: nights
    days: [mon, tue, wed, thu, fri]
    start: 22:00
    end: "06:00"
    timezone: Europe/London
    below: high
"""


def test_realert_inhibits_and_quiet_hours_load_from_yaml(tmp_path: Path):
    (tmp_path / "noise.yaml").write_text(RULES)
    ruleset = load_rules([tmp_path])
    assert ruleset.diagnostics == []
    [rule] = ruleset.rules
    assert rule.spec.inhibits.same == ("location.admin1_code", "location.name")
    assert rule.spec.dedup.fuzzy is False
    [window] = ruleset.quiet_hours
    assert (window.start, window.end, window.timezone, window.below) == ("22:00", "06:00", "Europe/London", "high")
    [alert] = alerts_for(ruleset, seed_event(), SEED_FIRED_AT)
    assert alert.realert == RealertPolicy(every_seconds=3600, exponential=True, max_seconds=86400)
    assert alert.dedup_within_seconds == 12 * 3600


def test_the_default_pack_has_no_quiet_hours_and_one_inhibition():
    ruleset = load_rules([default_pack()])
    assert ruleset.quiet_hours == ()
    sources = {r.id: r.spec.inhibits for r in ruleset.rules if r.spec.inhibits}
    assert list(sources) == ["territory-captured"]
    assert sources["territory-captured"].rules == ("group-first-seen-in-province",)


def test_group_loads_from_yaml_and_reaches_the_alert(tmp_path: Path):
    (tmp_path / "group.yaml").write_text(
        "id: killing-in-bursts\ntitle: Killing\nlevel: medium\nwhen: {event_type: ASSAULT}\n"
        "group: {by: [location.admin1_code], wait: 45s}\n"
        "---\nid: killing-alone\ntitle: Killing\nlevel: medium\nwhen: {event_type: ASSAULT}\n")
    ruleset = load_rules([tmp_path])
    assert ruleset.diagnostics == []
    grouped, alone = sorted(alerts_for(ruleset, seed_event(), SEED_FIRED_AT), key=lambda a: a.rule_id, reverse=True)
    assert grouped.group == GroupPolicy(by=("location.admin1_code",), wait_seconds=45)
    assert alone.group is None
