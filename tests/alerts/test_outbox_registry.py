"""OutboxChannel (files) and ChannelRegistry (lookup by receiver name)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json

import pytest

from alerts.channels.base import Channel
from alerts.channels.outbox import OutboxChannel
from alerts.channels.registry import ChannelRegistry
from alerts.render.slack import render_slack
from tests import factories as f
from tests.alerts.fakes import ScriptedChannel


def test_outbox_slack_writes_payload(tmp_path) -> None:
    alert = f.seed_alert()
    result = asyncio.run(OutboxChannel("slack:syria-watch", tmp_path / "outbox", "slack").send(alert))
    path = tmp_path / "outbox" / f"{alert.alert_id}.slack.json"
    assert result.status == "ok" and result.ref == str(path)
    assert json.loads(path.read_text()) == render_slack(alert).to_dict()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left


def test_outbox_email_writes_eml(tmp_path) -> None:
    alert = f.seed_alert()
    ch = OutboxChannel("email:duty-officers", tmp_path, "email")
    assert asyncio.run(ch.send(alert)).ok
    assert asyncio.run(ch.send(alert)).ok  # rewriting replaces, never duplicates
    [path] = tmp_path.iterdir()
    assert path.name == f"{alert.alert_id}.eml"
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert msg["Subject"].startswith("[CRITICAL] Senior officer killed")
    assert msg.get_body(preferencelist=("html",)) is not None


def test_outbox_unwritable_directory_is_permanent(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = asyncio.run(OutboxChannel("o", blocker / "sub", "slack").send(f.seed_alert()))
    assert result.status == "permanent"


def test_outbox_rejects_unknown_kind(tmp_path) -> None:
    with pytest.raises(ValueError, match="kind"):
        OutboxChannel("o", tmp_path, "sms")  # type: ignore[arg-type]


def test_channels_satisfy_protocol(tmp_path) -> None:
    assert isinstance(OutboxChannel("o", tmp_path, "slack"), Channel)
    assert isinstance(ScriptedChannel("s"), Channel)


def test_registry_lookup_and_clear_miss() -> None:
    slack = ScriptedChannel("slack:syria-watch")
    registry = ChannelRegistry({"slack:syria-watch": slack, "email:duty-officers": ScriptedChannel("e")})
    assert registry.get("slack:syria-watch") is slack and registry["slack:syria-watch"] is slack
    assert "slack:syria-watch" in registry and "sms:x" not in registry
    assert registry.get("sms:x", None) is None
    with pytest.raises(KeyError) as err:
        registry.get("slack:other")
    assert "slack:other" in str(err.value)
    assert "email:duty-officers, slack:syria-watch" in str(err.value)
    with pytest.raises(KeyError, match="none configured"):
        ChannelRegistry()["x"]
