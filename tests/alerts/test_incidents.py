"""Incidents (alerts/incidents.py): one message per incident, later reports as thread updates.

decide() table, state round trip and record_refs; update renders (goldens, escaping); channels
and deliver() threading updates against the real Slack Web API and SMTP peers and the outbox.
"""

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

T0 = f.SEED_FIRED_AT
NOW = datetime(2017, 11, 25, 12, 0, tzinfo=timezone.utc)
SLACK, EMAIL = "slack:syria-watch", "email:duty-officers"
TOKEN = "xoxb-watchfloor-test"
SENDER = "watchfloor@example.org"
TO = ("duty-officers@example.org",)
RAW_FORMS = ["<!channel>", "<!here>", "<@U123>", "<https://evil|click>"]
PAYLOAD = " ".join(RAW_FORMS)


def report(n: int, source: str | None = "SOHR", minutes: float = 0, *, key: str | None = None,
           **event: object) -> Alert:
    """Alert on report `r<n>` from `source`, fired `minutes` after T0; event fields overridable."""
    ev = f.seed_event(event_id=f"r{n}:0", report_id=f"r{n}",
                      source=f.source(name=source, url=f"https://news.example/{n}"), **event)
    extra = {"incident_key": key} if key else {}
    return f.seed_alert(event=ev, fired_at=T0 + timedelta(minutes=minutes), **extra)


def run(*alerts: Alert) -> tuple[list[Notice], IncidentState]:
    """decide() over `alerts` in order, threading the state through."""
    state: IncidentState | None = None
    notices = []
    for alert in alerts:
        notice, state = decide(state, alert, NOW)
        notices.append(notice)
    assert state is not None
    return notices, state


REGIME = f.actor("the regime forces", "Syrian Arab Army", "state")
ALEPPO = f.place(text="the countryside of Aleppo", qualifier="countryside of", name="Aleppo",
                 precision="admin1", lat=None, lon=None, geonameid=None)
MASKANAH_TOWN = f.place(text="Maskanah", qualifier=None, precision="town")
CIVILIANS = f.victim("civilians", rank_class="civilian", count=None)

# (id, alerts in order, expected (kind, sequence, corroboration, changes) of the last notice)
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


# ---- renders --------------------------------------------------------------------------------


def update_case() -> tuple[Alert, Notice]:
    """Third report of the seed incident: a new source, more dead, a new rank."""
    notices, _ = run(
        report(1, fatalities=2),
        report(2, "Reuters", 10, fatalities=2),
        report(3, "Enab Baladi", 20, fatalities=4, victims=(
            *f.seed_victims(), f.victim("a Colonel", rank="Colonel", rank_class="senior_officer"))),
    )
    notice = notices[-1].model_copy(update={"thread_refs": {SLACK: "1700000001.000001",
                                                            EMAIL: "<wf-root@watchfloor.local>"}})
    return notice.alert, notice


def dump(message) -> str:
    return json.dumps(message.to_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_slack_update_golden(golden) -> None:
    alert, notice = update_case()
    message = render_slack(alert, notice)
    golden("slack_update.json", dump(message))
    assert message.blocks[0]["text"]["text"] == "Update 2: Senior officer killed"
    assert message.text.startswith("Update 2: CRITICAL: Senior officer killed — Maskanah, Aleppo — now corrob")


def test_email_update_golden(golden) -> None:
    alert, notice = update_case()
    msg = render_email(alert, SENDER, TO, notice=notice, in_reply_to=notice.thread_refs[EMAIL])
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    golden("email_update.txt", text)
    golden("email_update.html", html)
    headers = ("Subject", "Message-ID", "In-Reply-To", "References", "X-Watchfloor-Update",
               "X-Watchfloor-Corroboration")
    golden("email_update.headers", "".join(f"{h}: {msg[h]}\n" for h in headers))
    assert msg["Subject"] == "Re: [CRITICAL] Senior officer killed — Maskanah, Aleppo"
    assert msg["In-Reply-To"] == "<wf-root@watchfloor.local>"
    assert msg["References"] == f"{incident_message_id(alert)} <wf-root@watchfloor.local>"
    assert msg["Message-ID"] == message_id(alert)
    assert text.startswith("What changed (update 2, 3 sources):\n  - now corroborated by 3 sources\n")


def test_new_notice_renders_as_before() -> None:
    alert = f.seed_alert()
    notice, _ = decide(None, alert, NOW)
    assert render_slack(alert, notice) == render_slack(alert)
    with_notice, plain = render_email(alert, SENDER, TO, notice=notice), render_email(alert, SENDER, TO)
    assert with_notice.items() == plain.items() or [
        (k, v) for k, v in with_notice.items() if k != "Content-Type"] == [
        (k, v) for k, v in plain.items() if k != "Content-Type"]  # the MIME boundary is random
    for kind in ("plain", "html"):
        assert with_notice.get_body((kind,)).get_content() == plain.get_body((kind,)).get_content()


def test_email_update_root_derived_without_ref() -> None:
    notices, _ = run(report(1), report(2, "Reuters", 5))
    first, update = notices
    for ref in (None, "/var/outbox/al-1.eml", "<a@b>\r\nBcc: x@y"):
        msg = render_email(update.alert, SENDER, TO, notice=update, in_reply_to=ref)
        assert msg["In-Reply-To"] == message_id(first.alert)


def test_email_update_keeps_original_subject_when_place_improves() -> None:
    notices, _ = run(report(1, location=ALEPPO), report(2, "Reuters", 5, location=MASKANAH_TOWN))
    msg = render_email(notices[1].alert, SENDER, TO, notice=notices[1])
    assert msg["Subject"] == "Re: [CRITICAL] Senior officer killed — Aleppo"
    assert "location more precise: Maskanah, Aleppo (was Aleppo)" in msg.get_body(("plain",)).get_content()


def test_update_without_changes_says_so() -> None:
    notices, _ = run(report(1), report(2, "SOHR", 5))
    message = render_slack(notices[1].alert, notices[1])
    assert "No new facts" in message.blocks[1]["text"]["text"] and message.text.endswith("no new facts")
    msg = render_email(notices[1].alert, SENDER, TO, notice=notices[1])
    assert msg.get_body(("plain",)).get_content().startswith("No new facts: another report")


def hostile_update() -> Notice:
    hostile = f.actor(PAYLOAD, f"Islamic State {PAYLOAD}")
    notices, _ = run(
        report(1, actors=(), location=ALEPPO.model_copy(update={"name": f"Aleppo {PAYLOAD}\r\nBcc: x@evil"})),
        report(2, f"Reuters {PAYLOAD}", 5, actors=(hostile,),
               location=MASKANAH_TOWN.model_copy(update={"name": f"Maskanah {PAYLOAD}\r\nBcc: x@evil"}),
               victims=(f.victim(PAYLOAD, rank=f"Colonel {PAYLOAD}", rank_class="senior_officer"),),
               evidence=f.evidence(f"{f.SEED_EVIDENCE} {PAYLOAD}")),
    )
    assert any(PAYLOAD in c for c in notices[1].changes)
    return notices[1]


def test_update_slack_escapes_report_text() -> None:
    notice = hostile_update()
    message = render_slack(notice.alert, notice)
    rendered = json.dumps(message.to_dict(), ensure_ascii=False)
    for raw in RAW_FORMS:
        assert raw not in rendered
    assert "&lt;!channel&gt;" in message.blocks[1]["text"]["text"]
    for text in _texts(message.to_dict()):
        for match in re.findall(r"<[^>]*>?", text):
            assert re.match(r"^<https://news\.example/2\|[^<>]*>$", match), match
    mrkdwn = [b["text"] for b in message.blocks if b["type"] == "section"]
    mrkdwn += [e for b in message.blocks if b["type"] == "context" for e in b["elements"]]
    assert all(o.get("verbatim") is True for o in mrkdwn)


def _texts(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        return own + [t for value in node.values() for t in _texts(value)]
    if isinstance(node, list):
        return [t for value in node for t in _texts(value)]
    return []


def test_update_email_escapes_report_text() -> None:
    notice = hostile_update()
    msg = render_email(notice.alert, SENDER, TO, notice=notice)
    for name, value in msg.items():
        assert "\r" not in str(value) and "\n" not in str(value), name
    reparsed = email.message_from_bytes(bytes(msg), policy=email.policy.default)
    assert reparsed["Bcc"] is None and reparsed["Subject"] == msg["Subject"]
    assert msg["Subject"].startswith("Re: [CRITICAL] Senior officer killed — Aleppo <!channel>")
    html = msg.get_body(("html",)).get_content()
    for raw in RAW_FORMS:
        assert raw not in html
    assert "<li>actor now identified: Islamic State &lt;!channel&gt;" in html


def test_update_slack_limits() -> None:
    _, notice = update_case()
    notice = notice.model_copy(update={"changes": tuple(f"change {i} <!channel>" * 20 for i in range(200))})
    message = render_slack(notice.alert, notice)
    assert len(message.blocks[1]["text"]["text"]) <= 3000 and message.blocks[1]["text"]["text"].endswith("…")
    assert len(message.text) <= 3000


# ---- channels and deliver ------------------------------------------------------------------


def three_reports() -> list[Alert]:
    """The same incident from three outlets, each adding something."""
    return [
        report(1, "SOHR", 0, fatalities=2),
        report(2, "Reuters", 10, fatalities=2),
        report(3, "Enab Baladi", 20, fatalities=4),
    ]


async def pipeline(alerts, channels, ledger, state=None, policy=RetryPolicy(base=0.5)):
    """What the deliver agent does per alert: decide, deliver with the notice, record refs."""
    out = []
    for i, alert in enumerate(alerts):
        notice, state = decide(state, alert, NOW + timedelta(minutes=i))
        results = await deliver(alert, channels, ledger, policy, sleep=RecordingSleep(), rng=no_jitter,
                                notice=notice)
        state = record_refs(state, results)
        out.append((notice, dict(results)))
    return out, state


def test_slack_and_email_thread_one_incident(slack_api: SlackApiServer, smtp_server: SmtpServer) -> None:
    channels = {
        SLACK: SlackChannel(SLACK, TOKEN, "#syria-watch", base_url=slack_api.base_url, timeout=5),
        EMAIL: SmtpChannel(EMAIL, "127.0.0.1", smtp_server.port, SENDER, TO, timeout=5),
    }
    ledger = MemoryLedger()
    alerts = three_reports()
    out, state = asyncio.run(pipeline(alerts, channels, ledger))
    assert [n.kind for n, _ in out] == ["new", "update", "update"]
    assert all(r.ok for _, results in out for r in results.values())

    # Slack: one top-level message, two replies in its thread.
    first, second, third = slack_api.messages()
    root_ts = slack_api.answers[0].body["ts"]
    assert "thread_ts" not in first and first["blocks"] == render_slack(alerts[0]).blocks
    assert second["thread_ts"] == root_ts and third["thread_ts"] == root_ts
    assert all(m["unfurl_links"] is False and m["unfurl_media"] is False for m in (first, second, third))
    assert second["blocks"][0]["text"]["text"] == "Update 1: Senior officer killed"
    assert third["blocks"][0]["text"]["text"] == "Update 2: Senior officer killed"
    assert third["text"].endswith("now corroborated by 3 sources; dead rose from 2 to 4")
    assert state.refs[SLACK] == root_ts

    # Email: three messages; the 2nd and 3rd reply to the first.
    mails = [m.message for m in smtp_server.wait_for(3)]
    root_id = mails[0]["Message-ID"]
    assert root_id == message_id(alerts[0]) == state.refs[EMAIL]
    assert mails[0]["In-Reply-To"] == incident_message_id(alerts[0])
    for mail in mails[1:]:
        assert mail["In-Reply-To"] == root_id
        assert root_id in mail["References"].split()
        assert mail["Subject"] == "Re: [CRITICAL] Senior officer killed — Maskanah, Aleppo"
    assert mails[2].get_body(("plain",)).get_content().replace("\r\n", "\n").startswith(
        "What changed (update 2, 3 sources):\n  - now corroborated by 3 sources\n  - dead rose from 2 to 4\n")

    # A redelivered update is a repeat: nothing is sent again.
    again, state2 = asyncio.run(pipeline([alerts[1]], channels, ledger, state))
    assert again[0][0].kind == "repeat" and state2 == state
    assert [r.detail for r in again[0][1].values()] == [ALREADY_DELIVERED] * 2
    assert len(slack_api.messages()) == 3 and len(smtp_server.received) == 3


def test_slack_update_without_root_posts_full_message_and_becomes_root(slack_api: SlackApiServer) -> None:
    channels = {SLACK: SlackChannel(SLACK, TOKEN, "#syria-watch", base_url=slack_api.base_url, timeout=5)}
    slack_api.error("channel_not_found")  # the first report never reaches Slack
    alerts = [a.model_copy(update={"receivers": (SLACK,)}) for a in three_reports()]
    out, state = asyncio.run(pipeline(alerts, channels, MemoryLedger(), policy=RetryPolicy(max_attempts=1)))
    assert out[0][1][SLACK].status == "permanent"
    _, second, third = slack_api.messages()
    assert "thread_ts" not in second and second["blocks"] == render_slack(alerts[1]).blocks
    assert third["thread_ts"] == slack_api.answers[1].body["ts"] == state.refs[SLACK]


def test_outbox_writes_updates(tmp_path) -> None:
    channels = {SLACK: OutboxChannel(SLACK, tmp_path, "slack"), EMAIL: OutboxChannel(EMAIL, tmp_path, "email")}
    alerts = three_reports()
    out, state = asyncio.run(pipeline(alerts, channels, MemoryLedger()))
    root_path = str(tmp_path / f"{alerts[0].alert_id}.slack.json")
    assert state.refs[SLACK] == root_path
    first = json.loads((tmp_path / f"{alerts[0].alert_id}.slack.json").read_text())
    assert "thread_ts" not in first
    for alert, notice in zip(alerts[1:], [n for n, _ in out[1:]]):
        payload = json.loads((tmp_path / f"{alert.alert_id}.slack.json").read_text())
        assert payload["thread_ts"] == root_path
        assert {k: v for k, v in payload.items() if k != "thread_ts"} == render_slack(alert, notice).to_dict()
        mail = email.message_from_bytes((tmp_path / f"{alert.alert_id}.eml").read_bytes(),
                                        policy=email.policy.default)
        assert mail["In-Reply-To"] == message_id(alerts[0]) and mail["Subject"].startswith("Re: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{a.alert_id}{suffix}" for a in alerts for suffix in (".slack.json", ".eml"))


class NoticeChannel:
    """Records (alert, notice) pairs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[tuple[Alert, Notice | None]] = []

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult:
        self.sent.append((alert, notice))
        return DeliveryResult.success("ok", ref=f"ref-{len(self.sent)}")


def test_deliver_passes_notice_and_keeps_plain_channels_working() -> None:
    slack, legacy = NoticeChannel(SLACK), ScriptedChannel(EMAIL)  # ScriptedChannel: send(alert) only
    assert isinstance(slack, Channel) and isinstance(legacy, Channel)
    alert = report(1)
    notice, _ = decide(None, alert, NOW)
    asyncio.run(deliver(alert, {SLACK: slack}, MemoryLedger(), notice=notice))
    assert slack.sent == [(alert, notice)]
    results = asyncio.run(deliver(alert, {SLACK: slack, EMAIL: legacy}, MemoryLedger()))
    assert slack.sent[-1] == (alert, None) and legacy.sent == [alert]
    assert all(r.ok for _, r in results)
