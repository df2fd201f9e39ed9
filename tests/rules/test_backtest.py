"""Backtest: event-time replay, ACLED gold rows, precision/recall, and `watchfloor backtest`."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from rules.backtest import GoldRow, gold_event, read_acled, replay, score, summary
from rules.loader import load_rules
from tests import factories as f

SEED = "samples/000_59a2029cee1cc623.txt"
COLUMNS = ["data_id", "iso", "event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1",
           "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "country", "admin1", "location",
           "latitude", "longitude", "geo_precision", "source", "notes", "fatalities", "iso3"]


def acled_row(**values) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    row.update({"iso": "760", "country": "Syria", "iso3": "SYR", "year": "2020", "geo_precision": "1", "source": "SOHR"})
    row.update({k: str(v) for k, v in values.items()})
    return row


ROWS = [
    acled_row(data_id=1, event_id_cnty="SYR1", event_date="3-May-20", event_type="Explosions/Remote violence",
              sub_event_type="Suicide bomb", actor1="Unidentified Armed Group (Syria)", inter1=3,
              actor2="Civilians (Syria)", inter2=7, admin1="Aleppo", location="Azaz", fatalities=25,
              notes="On 3 May 2020, a suicide car bomb killed 25 people at a market in Azaz in the northern countryside of Aleppo."),
    acled_row(data_id=2, event_id_cnty="SYR2", event_date="4-May-20", event_type="Explosions/Remote violence",
              sub_event_type="Remote explosive/landmine/IED", actor2="Civilians (Syria)", inter2=7,
              admin1="Idlib", location="Idlib", fatalities=3,
              notes="On 4 May 2020, an IED exploded in a market in Idlib city, killing three civilians."),
    acled_row(data_id=3, event_id_cnty="SYR3", event_date="5-May-20", event_type="Battles", sub_event_type="Armed clash",
              admin1="Hama", fatalities=12, notes="On 5 May 2020, clashes in Hama killed 12 fighters. 12 fatalities split between 2 events."),
    acled_row(data_id=4, event_id_cnty="SYR4", event_date="6-May-20", event_type="Explosions/Remote violence",
              sub_event_type="Air/drone strike", actor1="Military Forces of Russia (2000-)", inter1=8,
              actor2="Civilians (Syria)", inter2=7, admin1="Idlib", location="Idlib", fatalities=12,
              notes="On 6 May 2020, at least 12 civilians were killed in an airstrike on a market in Idlib city."),
    acled_row(data_id=5, event_id_cnty="SYR5", event_date="7-May-20", event_type="Battles", sub_event_type="Armed clash",
              actor1="Military Forces of Syria (2000-)", inter1=1, actor2="HTS: Hayat Tahrir al Sham", inter2=2,
              admin1="Daraa", location="Jasim", fatalities=15,
              notes="On 7 May 2020, the regime forces and opposition fighters fought near Jasim in Daraa."),
    acled_row(data_id=6, event_id_cnty="SYR6", event_date="8-May-20", event_type="Battles", sub_event_type="Armed clash",
              fatalities=0, notes=""),
]


@pytest.fixture
def gold_csv(tmp_path: Path) -> Path:
    path = tmp_path / "acled.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(ROWS)
    return path


def test_gold_event_maps_the_coded_fields():
    event = gold_event(ROWS[3], "acled-SYR4", admin1=lambda iso3, name: "SY-ID" if (iso3, name) == ("SYR", "Idlib") else None)
    assert (event.event_type, event.event_mode) == ("ASSAULT", ("aerial",))
    assert (event.acled_event_type, event.acled_sub_event_type) == ("Explosions/Remote violence", "Air/drone strike")
    assert event.fatalities == 12 and event.date == date(2020, 5, 6)
    assert [(v.rank_class, v.outcome, v.count) for v in event.victims] == [("civilian", "killed", 12)]
    assert [(a.name, a.kind) for a in event.actors] == [("Military Forces of Russia (2000-)", "foreign_state")]
    assert [(a.name, a.kind) for a in event.recipients] == [("Civilians (Syria)", "civilian")]
    assert event.location is not None
    assert (event.location.admin1_name, event.location.admin1_code, event.location.country_code) == ("Idlib", "SY-ID", "SYR")
    assert event.evidence.text.startswith("On 6 May 2020")


def test_read_acled_skips_apportioned_and_empty_rows(gold_csv):
    rows, skipped = read_acled(gold_csv)
    assert [r.report_id for r in rows] == ["acled-SYR1", "acled-SYR2", "acled-SYR4", "acled-SYR5"]
    assert skipped == 2
    assert rows[0].published_at == datetime(2020, 5, 3, tzinfo=timezone.utc)


RULES = """\
id: big
title: Ten or more killed
level: high
when: {fatalities: {gte: 10}}
gold: {fatalities: {gte: 10}, acled_event_type: [Battles, Explosions/Remote violence]}
---
id: three-in-province
title: Three in a province
level: high
when: {event_type: ASSAULT}
window: {count: 3, within: 24h, by: [location.admin1_code]}
"""


@pytest.fixture
def ruleset(write_rule):
    loaded = load_rules([write_rule("rules.yaml", RULES)])
    assert loaded.errors == []
    return loaded


def test_replay_is_in_event_time_order_with_undated_last(ruleset):
    events = [
        f.seed_event(event_id="c", date=date(2020, 1, 3)),
        f.seed_event(event_id="u", date=None, source=f.source(published_at=None)),
        f.seed_event(event_id="a", date=date(2020, 1, 1)),
        f.seed_event(event_id="b", date=date(2020, 1, 2)),
    ]
    firings = list(replay(ruleset, events))
    # a (1st), b (2nd), c (3rd, but 48h after a: no), u undated -> placed at the 3rd: fires with b, c
    assert [(x.rule.id, x.event.event_id) for x in firings if x.rule.id == "three-in-province"] == [("three-in-province", "u")]


def test_score_precision_and_recall(ruleset):
    gold = [GoldRow(r, "", None, f.seed_event(report_id=r, fatalities=n, acled_event_type="Battles"))
            for r, n in [("g1", 25), ("g2", 3), ("g3", 12), ("g4", 1)]]
    fired = [f.seed_event(report_id="g1", fatalities=25), f.seed_event(report_id="g4", fatalities=11)]
    scores = score(ruleset, replay(ruleset, fired), gold)
    big = scores["big"]
    assert (big.alerts, big.tp, big.fp, big.fn) == (2, 1, 1, 1)
    assert (big.precision, big.recall) == (0.5, 0.5)
    assert scores["three-in-province"].scored is False and scores["three-in-province"].precision is None
    lines = summary(scores, Counter(reports=4, alerts=2))
    assert lines[0].split() == ["rule", "alerts", "reports", "tp", "fp", "fn", "precision", "recall"]
    assert lines[1].split() == ["big", "2", "2", "1", "1", "1", "0.50", "0.50"]
    assert lines[-1] == "4 reports, 2 alerts"


# -- the command, through the real extraction ----------------------------------------------
def alerts_of(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_seed_report_backtest(cli):
    code, out, err = cli("backtest", "--no-progress", SEED)
    fired = {a["rule_id"] for a in alerts_of(out)}
    assert code == 0
    assert {"senior-officer-killed", "group-withdraws-from-province"} <= fired
    assert "mass-casualty-attack" not in fired
    for alert in alerts_of(out):
        assert set(alert) >= {"rule_id", "title", "level", "received", "event"}
        assert alert["event"]["report_id"] == "000_59a2029cee1cc623"
    assert "senior-officer-killed" in err and "1 reports" in err


def test_three_outlets_reporting_the_seed_make_one_message_per_incident(cli, tmp_path):
    text = Path(SEED).read_text()
    reports = tmp_path / "three.jsonl"
    reports.write_text("".join(json.dumps({"id": f"r{n}", "text": text, "published_at": "2017-11-25",
                                           "source": {"name": outlet}}) + "\n"
                               for n, outlet in enumerate(["SOHR", "Enab Baladi", "North Press"])))
    code, out, err = cli("backtest", "--no-progress", str(reports))
    alerts = alerts_of(out)
    assert code == 0
    withdrawals = [a["received"] for a in alerts if a["rule_id"] == "group-withdraws-from-province"]
    assert withdrawals == ["message", "update", "update"]
    by_rule = {line.split()[0]: line.split() for line in err.splitlines()}
    assert by_rule["group-withdraws-from-province"][1:5] == ["3", "1", "2", "0"]
    messages = sum(a["received"] == "message" for a in alerts)
    assert 0 < messages < len(alerts) and f"{len(alerts)} alerts, {messages} messages" in err


def test_seed_report_backtest_with_a_publication_date(cli):
    code, out, _ = cli("backtest", "--no-progress", "--published-at", "2017-11-25", SEED)
    alerts = alerts_of(out)
    fired = [a["rule_id"] for a in alerts]
    assert code == 0 and "mass-casualty-attack" not in fired
    assert {"senior-officer-killed", "group-withdraws-from-province", "group-first-seen-in-province"} <= set(fired)
    times = [a["event"]["date"] for a in alerts]
    assert times == sorted(times)  # event-time order: "last night" (the 24th) first
    new_term = next(a for a in alerts if a["rule_id"] == "group-first-seen-in-province")
    assert new_term["keys"] == ["actors.name=Islamic State|location.admin1_code=SY-HL"]


def test_acled_gold_precision_and_recall(cli, gold_csv):
    code, out, err = cli("backtest", "--no-progress", "--acled-gold", str(gold_csv))
    assert code == 0
    by_rule = {line.split()[0]: line.split() for line in err.splitlines()}
    # gold positives for mass-casualty: rows 1, 4, 5; extraction finds 25 and 12 dead in 1 and 4
    # alerts, messages, updates, inhibited, realert, reports, tp, fp, fn, precision, recall
    assert by_rule["mass-casualty-attack"][1:] == ["2", "2", "0", "0", "0", "2", "2", "0", "1", "1.00", "0.67"]
    assert by_rule["airstrike-civilian-casualties"][7:] == ["1", "0", "0", "1.00", "1.00"]
    assert "4 gold rows, 2 gold rows skipped, 4 reports" in err
    assert {a["event"]["report_id"] for a in alerts_of(out) if a["rule_id"] == "mass-casualty-attack"} == {"acled-SYR1", "acled-SYR4"}


def test_backtest_needs_input(cli):
    code, _, err = cli("backtest")
    assert code == 2 and "give report files" in err


def test_backtest_refuses_broken_rules(cli, write_rule):
    bad = write_rule("bad.yaml", "id: bad\ntitle: t\nlevel: low\nwhen: {fatality: 1}\n")
    code, out, err = cli("backtest", "--rules", str(bad), SEED)
    assert code == 1 and out == "" and "R004" in err


def test_admin1_resolver_maps_acled_province_names(extractor):
    from streams.cli.backtest_cmd import _admin1_resolver

    resolve = _admin1_resolver(extractor.gazetteer)
    assert resolve("SYR", "Aleppo") == "SY-HL"
    assert resolve("SYR", "Nowhere") is None
