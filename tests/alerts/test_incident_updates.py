"""Incident updates: renders (goldens, escaping), and channels and deliver() threading updates
against the real Slack Web API and SMTP peers and the outbox."""

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

