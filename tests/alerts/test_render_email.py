"""alerts/render/email.py: golden text/HTML, header safety, stable Message-ID."""

from __future__ import annotations

import email
import email.policy

import pytest

from alerts.render.email import message_id, render_email
from tests import factories as f

SENDER = "watchfloor@example.org"
TO = ["duty-officers@example.org"]
HEADERS = ("Subject", "From", "To", "Date", "Message-ID", "In-Reply-To", "References",
           "Auto-Submitted", "X-Watchfloor-Alert-Id", "X-Watchfloor-Rule", "X-Watchfloor-Level")


def parts(msg) -> tuple[str, str]:
    return (msg.get_body(preferencelist=("plain",)).get_content(),
            msg.get_body(preferencelist=("html",)).get_content())


def test_email_golden(golden) -> None:
    msg = render_email(f.seed_alert(), SENDER, TO)
    text, html = parts(msg)
    golden("email_seed.txt", text)
    golden("email_seed.html", html)
    golden("email_seed.headers", "".join(f"{h}: {msg[h]}\n" for h in HEADERS))


def test_subject_level_title_place() -> None:
    msg = render_email(f.seed_alert(), SENDER, TO)
    assert msg["Subject"] == "[CRITICAL] Senior officer killed — Maskanah, Aleppo"
    assert msg.get_content_type() == "multipart/alternative"


def test_message_id_stable_and_distinct() -> None:
    a = f.seed_alert()
    assert render_email(a, SENDER, TO)["Message-ID"] == render_email(a, SENDER, TO)["Message-ID"]
    assert message_id(a).endswith("@watchfloor.local>")
    other = f.seed_alert(incident_key="other-incident")
    assert message_id(other) != message_id(a)
    same_incident = f.seed_alert(event=f.seed_event(event_id="other-report:0"))
    assert render_email(same_incident, SENDER, TO)["References"] == render_email(a, SENDER, TO)["References"]


INJECTIONS = [
    ("title-crlf", dict(title="Officer killed\r\nBcc: victim@example.org")),
    ("title-lf", dict(title="Officer killed\nX-Evil: 1")),
    ("place-crlf", dict(event=f.seed_event(location=f.place(name="Maskanah\r\nBcc: victim@example.org")))),
    ("place-unicode-sep", dict(event=f.seed_event(location=f.place(name="Maskanah\u2028X-Evil: 1")))),
    ("rule-id", dict(rule_id="r\r\nX-Evil: 1")),
]


@pytest.mark.parametrize("overrides", [c[1] for c in INJECTIONS], ids=[c[0] for c in INJECTIONS])
def test_cr_lf_never_reach_headers(overrides) -> None:
    msg = render_email(f.seed_alert(**overrides), SENDER, TO)
    for name, value in msg.items():
        assert "\r" not in str(value) and "\n" not in str(value), name
    reparsed = email.message_from_bytes(bytes(msg), policy=email.policy.default)
    assert reparsed["Bcc"] is None and reparsed["X-Evil"] is None
    assert reparsed["Subject"] == msg["Subject"]


def test_long_subject_is_limited() -> None:
    msg = render_email(f.seed_alert(title="Officer " * 100), SENDER, TO)
    assert len(msg["Subject"]) <= 200 and msg["Subject"].endswith("…")


def test_html_part_escapes_report_text() -> None:
    payload = '<script>alert(1)</script><img src=x onerror="x">'
    event = f.seed_event(evidence=f.evidence(payload), actors=(f.actor(payload, payload),),
                         source=f.source(url='javascript:alert("x")'))
    text, html = parts(render_email(f.seed_alert(event=event), SENDER, TO))
    assert "<script>" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html
    assert payload in text  # the plain part shows the report as written


def test_cc_header() -> None:
    msg = render_email(f.seed_alert(), SENDER, TO, cc=["desk@example.org"])
    assert msg["Cc"] == "desk@example.org"
