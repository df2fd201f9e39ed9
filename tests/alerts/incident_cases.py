"""Shared builders for the incident tests: alerts of one incident from several reports."""

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
