"""SmtpChannel against a local aiosmtpd server (real SMTP)."""

from __future__ import annotations

import asyncio

import pytest

from alerts.channels.smtp import SmtpChannel
from tests import factories as f
from tests.peers.smtp import SmtpServer

SENDER = "watchfloor@example.org"
TO = ("duty-officers@example.org",)
CC = ("syria-desk@example.org",)


def channel(server: SmtpServer, **kwargs) -> SmtpChannel:
    return SmtpChannel("email:duty-officers", "127.0.0.1", server.port, SENDER, TO, cc=CC, timeout=5, **kwargs)


def test_success_delivers_text_and_html(smtp_server: SmtpServer) -> None:
    result = asyncio.run(channel(smtp_server).send(f.seed_alert()))
    assert result.status == "ok"
    [got] = smtp_server.wait_for(1)
    assert got.mail_from == SENDER
    assert got.rcpt_tos == TO + CC
    assert got.message["Subject"] == "[CRITICAL] Senior officer killed — Maskanah, Aleppo"
    assert got.message["Message-ID"] == result.ref
    assert got.message["Cc"] == CC[0]
    assert "Brigadier" in got.part("plain") and "<table" in got.part("html")


def test_server_down_is_retryable(smtp_server: SmtpServer) -> None:
    ch = channel(smtp_server)
    with smtp_server.down():
        result = asyncio.run(ch.send(f.seed_alert()))
    assert result.status == "retryable"
    # Back on the same port, the same channel delivers.
    assert asyncio.run(ch.send(f.seed_alert())).status == "ok"
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.parametrize(
    ("reply", "status"),
    [("451 4.3.0 Try again later", "retryable"), ("452 4.3.1 Insufficient storage", "retryable"),
     ("554 5.7.1 Message rejected", "permanent"), ("552 5.3.4 Message too big", "permanent")],
    ids=["451", "452", "554", "552"],
)
def test_data_replies_are_classified(smtp_server: SmtpServer, reply: str, status: str) -> None:
    smtp_server.reply_with(reply)
    result = asyncio.run(channel(smtp_server).send(f.seed_alert()))
    assert result.status == status and reply[:3] in result.detail


@pytest.mark.parametrize(
    ("refusals", "status"),
    [({TO[0]: "550 5.1.1 User unknown", CC[0]: "550 5.1.1 User unknown"}, "permanent"),
     ({TO[0]: "450 4.2.1 Mailbox busy", CC[0]: "451 4.3.0 Greylisted"}, "retryable"),
     ({TO[0]: "550 5.1.1 User unknown"}, "ok")],
    ids=["all-refused-5xx", "all-refused-4xx", "one-refused"],
)
def test_recipient_refusals(smtp_server: SmtpServer, refusals, status) -> None:
    for address, reply in refusals.items():
        smtp_server.refuse(address, reply)
    result = asyncio.run(channel(smtp_server).send(f.seed_alert()))
    assert result.status == status


def test_password_not_in_repr(smtp_server: SmtpServer) -> None:
    assert "s3cret" not in repr(channel(smtp_server, username="u", password="s3cret"))
