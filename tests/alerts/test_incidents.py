"""Incidents (alerts/incidents.py): decide() table, state round trip and record_refs."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from alerts.channels.base import Channel, DeliveryResult
from alerts.channels.outbox import OutboxChannel
from alerts.channels.slack import SlackChannel
from alerts.channels.smtp import SmtpChannel
from alerts.deliver.ledger import MemoryLedger
from alerts.deliver.retry import RetryPolicy
from alerts.deliver.send import ALREADY_DELIVERED, deliver
from alerts.incidents import IncidentState, Notice, decide, record_refs
from alerts.model import Alert
from alerts.render.email import incident_message_id, message_id, render_email
from alerts.render.slack import render_slack
from tests import factories as f
from tests.alerts.fakes import RecordingSleep, ScriptedChannel, no_jitter
from tests.peers.slack_api import SlackApiServer
from tests.peers.smtp import SmtpServer

from tests.alerts.incident_cases import ALEPPO, CIVILIANS, MASKANAH_TOWN, REGIME, NOW, PAYLOAD, RAW_FORMS, SENDER, SLACK, EMAIL, T0, TO, TOKEN, report, run  # noqa: F401

DECIDE_CASES = [
    ("first-report-opens", [report(1)], ("new", 0, 1, ())),
    ("second-source-corroborates", [report(1), report(2, "Reuters", 30)],
     ("update", 1, 2, ("now corroborated by 2 sources",))),
    ("issue-example", [report(1, fatalities=2), report(2, "Reuters", 10, fatalities=2),
                       report(3, "Enab Baladi", 20, fatalities=4)],
     ("update", 2, 3, ("now corroborated by 3 sources", "dead rose from 2 to 4"))),
    ("same-source-adds-nothing", [report(1), report(2, "SOHR", 5)], ("update", 1, 1, ())),
    ("source-name-case-and-space", [report(1, "SOHR"), report(2, "  sohr ", 5)], ("update", 1, 1, ())),
    ("no-source-name-counts-report", [report(1, None), report(2, None, 5)],
     ("update", 1, 2, ("now corroborated by 2 sources",))),
    ("dead-fell", [report(1, fatalities=4), report(2, "SOHR", 5, fatalities=3)],
     ("update", 1, 1, ("dead fell from 4 to 3",))),
    ("dead-first-given", [report(1, fatalities=None), report(2, "SOHR", 5, fatalities=3)],
     ("update", 1, 1, ("dead now reported: 3",))),
    ("dead-not-given-keeps-figure", [report(1, fatalities=3), report(2, "SOHR", 5, fatalities=None)],
     ("update", 1, 1, ())),
    ("injured", [report(1, injured=1), report(2, "SOHR", 5, injured=5)],
     ("update", 1, 1, ("injured rose from 1 to 5",))),
    ("new-rank", [report(1), report(2, "SOHR", 5, victims=(
        *f.seed_victims(), f.victim("a Colonel", rank="Colonel", rank_class="senior_officer")))],
     ("update", 1, 1, ("newly reported: Colonel killed",))),
    ("victims-omitted-not-retracted", [report(1), report(2, "SOHR", 5, victims=())], ("update", 1, 1, ())),
    ("civilians-numbered", [report(1, victims=(*f.seed_victims(), CIVILIANS)),
                            report(2, "SOHR", 5, victims=(CIVILIANS.model_copy(update={"count": 4}),))],
     ("update", 1, 1, ("civilian killed: now numbered at 4",))),
    ("victim-count-rose", [report(1), report(2, "SOHR", 5, victims=(
        f.victim("two Brigadiers", rank="Brigadier", rank_class="senior_officer", count=2),))],
     ("update", 1, 1, ("Brigadier killed rose from 1 to 2",))),
    ("actor-now-identified", [report(1, actors=()), report(2, "SOHR", 5)],
     ("update", 1, 1, ("actor now identified: Islamic State",))),
    ("unidentified-actor-is-no-actor", [report(1, actors=(f.actor("gunmen", "gunmen", "unidentified"),)),
                                        report(2, "SOHR", 5)],
     ("update", 1, 1, ("actor now identified: Islamic State",))),
    ("second-attribution", [report(1), report(2, "SOHR", 5, actors=(REGIME,))],
     ("update", 1, 1, ("also attributed to: Syrian Arab Army",))),
    ("location-more-precise", [report(1, location=ALEPPO), report(2, "SOHR", 5, location=MASKANAH_TOWN)],
     ("update", 1, 1, ("location more precise: Maskanah, Aleppo (was Aleppo)",))),
    ("location-less-precise-ignored", [report(1, location=MASKANAH_TOWN), report(2, "SOHR", 5, location=ALEPPO)],
     ("update", 1, 1, ())),
    ("location-first-given", [report(1, location=None), report(2, "SOHR", 5)],
     ("update", 1, 1, ("location now reported: Maskanah, Aleppo",))),
    ("everything-at-once", [report(1, fatalities=2, actors=(), location=ALEPPO),
                            report(2, "Reuters", 5, fatalities=5, injured=2, location=MASKANAH_TOWN)],
     ("update", 1, 2, ("now corroborated by 2 sources", "dead rose from 2 to 5", "injured now reported: 2",
                       "actor now identified: Islamic State",
                       "location more precise: Maskanah, Aleppo (was Aleppo)"))),
    ("redelivery-is-repeat", [report(1), report(2, "Reuters", 5), report(1)], ("repeat", 0, 2, ())),
    ("redelivered-update-is-repeat", [report(1), report(2, "Reuters", 5), report(2, "Reuters", 5)],
     ("repeat", 1, 2, ())),
    ("window-expired-opens-new", [report(1), report(2, "Reuters", 6 * 60 + 1)], ("new", 0, 1, ())),
    ("window-edge-still-update", [report(1), report(2, "Reuters", 6 * 60)],
     ("update", 1, 2, ("now corroborated by 2 sources",))),
    ("window-slides", [report(1), report(2, "SOHR", 5 * 60), report(3, "Reuters", 10 * 60)],
     ("update", 2, 2, ("now corroborated by 2 sources",))),
    ("out-of-order-report", [report(1, minutes=30), report(2, "Reuters", 0)],
     ("update", 1, 2, ("now corroborated by 2 sources",))),
    ("other-incident-key-opens-new", [report(1), report(2, "Reuters", 5, key="other-incident")],
     ("new", 0, 1, ())),
]


@pytest.mark.parametrize(("alerts", "expected"), [c[1:] for c in DECIDE_CASES], ids=[c[0] for c in DECIDE_CASES])
def test_decide(alerts, expected) -> None:
    notices, _ = run(*alerts)
    last = notices[-1]
    assert (last.kind, last.sequence, last.corroboration, last.changes) == expected
    assert last.alert == alerts[-1]


def test_new_incident_state() -> None:
    alert = report(1)
    notice, state = decide(None, alert, NOW)
    assert notice.thread_refs == {} and notice.root_alert_id == alert.alert_id and not notice.is_update
    assert (state.incident_key, state.first_alert_id, state.alert_ids) == (alert.incident_key, alert.alert_id,
                                                                           (alert.alert_id,))
    assert (state.opened_at, state.last_at, state.updated_at) == (T0, T0, NOW)
    assert state.report_ids == ("r1",) and state.sources == ("SOHR",)
    assert state.root_place == "Maskanah, Aleppo"
    facts = state.facts
    assert (facts.fatalities, facts.injured, facts.actors) == (3, None, ("Islamic State",))
    assert (facts.location_name, facts.admin1_name, facts.location_precision) == ("Maskanah", "Aleppo", "area")
    assert [(v.label, v.outcome, v.count) for v in facts.victims] == [
        ("Brigadier", "killed", 1), ("General", "killed", 1), ("victim", "killed", 1)]


def test_update_carries_thread_refs_and_grows_state() -> None:
    _, state = decide(None, report(1), NOW)
    state = record_refs(state, [(SLACK, DeliveryResult.success("ok", ref="1700000001.000001")),
                                (EMAIL, DeliveryResult.success("ok", ref="<wf-1@watchfloor.local>"))])
    notice, after = decide(state, report(2, "Reuters", 30, fatalities=5), NOW + timedelta(minutes=1))
    assert notice.is_update and notice.thread_ref(SLACK) == "1700000001.000001"
    assert notice.thread_refs == {SLACK: "1700000001.000001", EMAIL: "<wf-1@watchfloor.local>"}
    assert notice.root_alert_id == state.first_alert_id and notice.root_place == "Maskanah, Aleppo"
    assert after.refs == state.refs and after.first_alert_id == state.first_alert_id
    assert after.report_ids == ("r1", "r2") and after.sources == ("SOHR", "Reuters")
    assert after.last_at == T0 + timedelta(minutes=30) and after.updated_at == NOW + timedelta(minutes=1)
    assert after.facts.fatalities == 5 and state.facts.fatalities == 3  # the old state is untouched


def test_repeat_keeps_state() -> None:
    _, state = run(report(1), report(2, "Reuters", 5))
    notice, after = decide(state, report(2, "Reuters", 5), NOW + timedelta(hours=1))
    assert after is state and notice.kind == "repeat" and notice.is_update


def test_repeat_of_opener_renders_as_opener() -> None:
    notices, _ = run(report(1), report(1))
    assert notices[1].kind == "repeat" and not notices[1].is_update and notices[1].thread_ref(SLACK) is None


def test_expired_incident_forgets_refs() -> None:
    _, state = decide(None, report(1), NOW)
    state = record_refs(state, [(SLACK, DeliveryResult.success("ok", ref="1.1"))])
    notice, fresh = decide(state, report(2, "Reuters", 7 * 60), NOW)
    assert notice.kind == "new" and fresh.refs == {} and fresh.first_alert_id == report(2).alert_id


def test_naive_times_are_utc() -> None:
    first = report(1).model_copy(update={"fired_at": T0.replace(tzinfo=None)})
    _, state = decide(None, first, NOW.replace(tzinfo=None))
    notice, _ = decide(state, report(2, "Reuters", 5), NOW)
    assert notice.kind == "update" and state.opened_at.tzinfo is not None


def test_state_json_round_trip() -> None:
    _, state = run(report(1, location=ALEPPO), report(2, "Reuters", 5, victims=(*f.seed_victims(), CIVILIANS)))
    state = record_refs(state, [(SLACK, DeliveryResult.success("ok", ref="1700000001.000001"))])
    data = json.loads(json.dumps(state.to_dict()))
    assert data["opened_at"] == "2017-11-25T10:05:00Z" and isinstance(data["alert_ids"], list)
    again = IncidentState.from_dict(data)
    assert again == state
    # A restored state decides exactly as the original.
    nxt = report(3, "Enab Baladi", 10, fatalities=6)
    assert decide(again, nxt, NOW) == decide(state, nxt, NOW)


def test_record_refs_keeps_first_ref_per_receiver() -> None:
    _, state = decide(None, report(1), NOW)
    state = record_refs(state, [(SLACK, DeliveryResult.permanent("slack: channel_not_found")),
                                (EMAIL, DeliveryResult.success("ok", ref="<root@x>")),
                                ("outbox", DeliveryResult.success("ok", ref=None))])
    assert state.refs == {EMAIL: "<root@x>"}
    state = record_refs(state, [(SLACK, DeliveryResult.success("ok", ref="2.2")),
                                (EMAIL, DeliveryResult.success("ok", ref="<reply@x>"))])
    assert state.refs == {EMAIL: "<root@x>", SLACK: "2.2"}
    assert record_refs(state, [(SLACK, DeliveryResult.success("ok", ref="3.3"))]) is state


def test_models_are_frozen() -> None:
    notice, state = decide(None, report(1), NOW)
    with pytest.raises(Exception):
        state.last_at = NOW  # type: ignore[misc]
    with pytest.raises(Exception):
        notice.kind = "update"  # type: ignore[misc]


