"""Render an Alert as a multipart email (plain text + HTML alternative); pure, no network.

Headers only ever carry report text through `header_safe` (no CR/LF, length-limited), and the
HTML part escapes everything with `html.escape`. Message-ID is derived from the incident key
and the alert id, so re-rendering gives the same id (mail servers and clients de-duplicate on
it), and In-Reply-To/References point at a per-incident id so updates thread together.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from datetime import timezone
from email.message import EmailMessage
from email.utils import format_datetime

from alerts.model import Alert
from alerts.render import facts
from alerts.render.escape import clean, header_safe, safe_url

DOMAIN = "watchfloor.local"
SUBJECT_MAX = 200
EVIDENCE_MAX = 5000

LEVEL_COLOUR = {
    "critical": "#b3261e",
    "high": "#d9730d",
    "medium": "#b58a00",
    "low": "#2f6fb3",
    "info": "#6b6b6b",
}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def message_id(alert: Alert) -> str:
    """Stable Message-ID for this alert: same incident key + alert id, same id."""
    return f"<wf-{_digest(alert.incident_key, alert.alert_id)}@{DOMAIN}>"


def incident_message_id(alert: Alert) -> str:
    """Per-incident thread root id, referenced by every alert of the incident."""
    return f"<incident-{_digest(alert.incident_key)}@{DOMAIN}>"


def subject(alert: Alert) -> str:
    """`[CRITICAL] Senior officer killed — Maskanah, Aleppo`, header-safe."""
    place = facts.place_label(alert.event.location)
    line = f"[{facts.level_label(alert)}] {alert.title}" + (f" — {place}" if place else "")
    return header_safe(line, SUBJECT_MAX)


def _evidence(alert: Alert) -> str:
    text = clean(alert.event.evidence.text).strip()
    return text[:EVIDENCE_MAX] + ("…" if len(text) > EVIDENCE_MAX else "")


def _footer(alert: Alert) -> list[tuple[str, str]]:
    ev = alert.event
    source = ev.source.name or "unknown source"
    if ev.source.published_at is not None:
        source += f" ({ev.source.published_at.date().isoformat()})"
    return [
        ("Source", source),
        ("Rule", f"{alert.rule_id} · level {alert.level} · confidence {ev.confidence:.2f}"),
        ("Report", ev.report_id),
        ("Alert", f"{alert.alert_id} · incident {alert.incident_key}"),
    ]


def render_text(alert: Alert) -> str:
    """The plain-text part."""
    ev = alert.event
    lines = [facts.headline(alert), ""]
    lines += [f"!! {note}" for note in facts.caveats(ev)]
    for label, value in facts.fields(alert):
        first, *rest = clean(value).split("\n")
        lines.append(f"{label + ':':<12}{first}")
        lines += [f"{'':<12}{more}" for more in rest]
    lines += ["", "Evidence:"]
    lines += [f"  > {line}" for line in _evidence(alert).split("\n") if line.strip()]
    lines.append("")
    for label, value in _footer(alert):
        lines.append(f"{label + ':':<12}{clean(value)}")
    url = safe_url(ev.source.url)
    if url:
        lines.append(f"{'Link:':<12}{url}")
    return "\n".join(lines) + "\n"


def _h(text: str) -> str:
    """HTML-escaped text with line breaks kept."""
    return "<br>".join(html.escape(line) for line in clean(text).split("\n"))


def render_html(alert: Alert) -> str:
    """The HTML part; every value escaped, links only to http(s) URLs."""
    ev = alert.event
    colour = LEVEL_COLOUR.get(alert.level, "#6b6b6b")
    rows = "\n".join(
        f'<tr><th align="left" valign="top">{_h(label)}</th><td>{_h(value)}</td></tr>'
        for label, value in facts.fields(alert)
    )
    notes = "".join(f'<p style="color:{colour}"><b>{_h(n)}</b></p>\n' for n in facts.caveats(ev))
    footer = "<br>\n".join(f"{_h(label)}: {_h(value)}" for label, value in _footer(alert))
    url = safe_url(ev.source.url)
    link = f'<br>\n<a href="{html.escape(url)}">{_h(url)}</a>' if url else ""
    return (
        "<!DOCTYPE html>\n<html><body>\n"
        f'<h2 style="color:{colour}">{_h(facts.headline(alert))}</h2>\n'
        f"{notes}"
        f'<table cellpadding="4">\n{rows}\n</table>\n'
        f"<blockquote>{_h(_evidence(alert))}</blockquote>\n"
        f'<p style="color:#6b6b6b;font-size:small">{footer}{link}</p>\n'
        "</body></html>\n"
    )


def render_email(
    alert: Alert, sender: str, to: Sequence[str], cc: Sequence[str] = ()
) -> EmailMessage:
    """The alert as an EmailMessage ready for SMTP: text + HTML, stable Message-ID."""
    msg = EmailMessage()
    msg["Subject"] = subject(alert)
    msg["From"] = header_safe(sender)
    msg["To"] = ", ".join(header_safe(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(header_safe(a) for a in cc)
    fired = alert.fired_at if alert.fired_at.tzinfo else alert.fired_at.replace(tzinfo=timezone.utc)
    msg["Date"] = format_datetime(fired)
    msg["Message-ID"] = message_id(alert)
    msg["In-Reply-To"] = incident_message_id(alert)
    msg["References"] = incident_message_id(alert)
    # RFC 3834: stops out-of-office robots from answering the alert mail.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Watchfloor-Alert-Id"] = header_safe(alert.alert_id)
    msg["X-Watchfloor-Rule"] = header_safe(alert.rule_id)
    msg["X-Watchfloor-Level"] = header_safe(alert.level)
    msg.set_content(render_text(alert))
    msg.add_alternative(render_html(alert), subtype="html")
    return msg
