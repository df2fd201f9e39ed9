"""Render an Alert as a multipart email (plain text + HTML alternative); pure, no network.

Headers only ever carry report text through `header_safe` (no CR/LF, length-limited), and the
HTML part escapes everything with `html.escape`. Message-ID is derived from the incident key
and the alert id, so re-rendering gives the same id (mail servers and clients de-duplicate on
it), and In-Reply-To/References point at a per-incident id so updates thread together.

An update of an incident (a `Notice` from alerts/incidents.py) is a reply to the incident's
first message: `Re: <its subject>`, In-Reply-To that message's Message-ID, References the
per-incident id then that Message-ID, and a body that opens with what changed.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Sequence
from datetime import timezone
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING

from alerts.model import Alert
from alerts.render import facts
from alerts.render.escape import clean, header_safe, one_line, safe_url

if TYPE_CHECKING:  # alerts.incidents imports alerts.render: no runtime import back
    from alerts.incidents import Notice

DOMAIN = "watchfloor.local"
SUBJECT_MAX = 200
EVIDENCE_MAX = 5000
CHANGES_MAX = 50
# A msg-id as we send it: `<left@right>`, nothing that could break or extend a header.
_MSG_ID = re.compile(r"<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+>")

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


def root_message_id(alert: Alert, notice: Notice) -> str:
    """Message-ID of the incident's first message (what `message_id` gave its first alert)."""
    return f"<wf-{_digest(alert.incident_key, notice.root_alert_id)}@{DOMAIN}>"


def valid_msg_id(value: str | None) -> str | None:
    """`value` when it is a plain `<left@right>` msg-id (e.g. SmtpChannel's ref), else None."""
    if value and _MSG_ID.fullmatch(value.strip()):
        return value.strip()
    return None


def _subject_line(alert: Alert, place: str | None = None) -> str:
    place = facts.place_label(alert.event.location) if place is None else place
    return f"[{facts.level_label(alert)}] {alert.title}" + (f" — {place}" if place else "")


def subject(alert: Alert, notice: Notice | None = None) -> str:
    """`[CRITICAL] Senior officer killed — Maskanah, Aleppo`, header-safe.

    For an update: `Re: ` and the incident's original subject (the first report's place, even
    when a later report places it more precisely), so mail clients keep the thread.
    """
    if notice is not None and notice.is_update:
        return header_safe("Re: " + _subject_line(alert, notice.root_place), SUBJECT_MAX)
    return header_safe(_subject_line(alert), SUBJECT_MAX)


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


def _changes(notice: Notice) -> tuple[str, list[str]]:
    """Plain heading and change lines of an update (one line each, unescaped)."""
    sources = f"{notice.corroboration} source" + ("s" if notice.corroboration != 1 else "")
    lines = [one_line(c) for c in notice.changes[:CHANGES_MAX]]
    if len(notice.changes) > CHANGES_MAX:
        lines.append(f"… and {len(notice.changes) - CHANGES_MAX} more")
    if lines:
        return f"What changed (update {notice.sequence}, {sources}):", lines
    return f"No new facts: another report of the same incident (update {notice.sequence}, {sources}).", []


def _is_update(notice: Notice | None) -> bool:
    return notice is not None and notice.is_update


def render_text(alert: Alert, notice: Notice | None = None) -> str:
    """The plain-text part; for an update it opens with what changed."""
    ev = alert.event
    lines = []
    if notice is not None and _is_update(notice):
        heading, changes = _changes(notice)
        lines += [heading, *(f"  - {c}" for c in changes), ""]
    lines += [facts.headline(alert), ""]
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


def _changes_html(notice: Notice | None) -> str:
    if notice is None or not _is_update(notice):
        return ""
    heading, changes = _changes(notice)
    items = "".join(f"<li>{_h(c)}</li>\n" for c in changes)
    return f"<h3>{_h(heading)}</h3>\n" + (f"<ul>\n{items}</ul>\n" if items else "")


def render_html(alert: Alert, notice: Notice | None = None) -> str:
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
        f"{_changes_html(notice)}"
        f'<h2 style="color:{colour}">{_h(facts.headline(alert))}</h2>\n'
        f"{notes}"
        f'<table cellpadding="4">\n{rows}\n</table>\n'
        f"<blockquote>{_h(_evidence(alert))}</blockquote>\n"
        f'<p style="color:#6b6b6b;font-size:small">{footer}{link}</p>\n'
        "</body></html>\n"
    )


def render_email(
    alert: Alert,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    notice: Notice | None = None,
    *,
    in_reply_to: str | None = None,
) -> EmailMessage:
    """The alert as an EmailMessage ready for SMTP: text + HTML, stable Message-ID.

    With an update `notice`, a reply to the incident's first message. `in_reply_to` is that
    message's Message-ID as the channel recorded it (the incident's thread ref); when absent or
    not a plain msg-id it is derived from `notice.root_alert_id`, which gives the same id.
    """
    update = notice is not None and notice.is_update
    msg = EmailMessage()
    msg["Subject"] = subject(alert, notice)
    msg["From"] = header_safe(sender)
    msg["To"] = ", ".join(header_safe(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(header_safe(a) for a in cc)
    fired = alert.fired_at if alert.fired_at.tzinfo else alert.fired_at.replace(tzinfo=timezone.utc)
    msg["Date"] = format_datetime(fired)
    msg["Message-ID"] = message_id(alert)
    if notice is not None and update:
        root = valid_msg_id(in_reply_to) or root_message_id(alert, notice)
        msg["In-Reply-To"] = root
        msg["References"] = f"{incident_message_id(alert)} {root}"
    else:
        msg["In-Reply-To"] = incident_message_id(alert)
        msg["References"] = incident_message_id(alert)
    # RFC 3834: stops out-of-office robots from answering the alert mail.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Watchfloor-Alert-Id"] = header_safe(alert.alert_id)
    msg["X-Watchfloor-Rule"] = header_safe(alert.rule_id)
    msg["X-Watchfloor-Level"] = header_safe(alert.level)
    if notice is not None and update:
        msg["X-Watchfloor-Update"] = str(int(notice.sequence))
        msg["X-Watchfloor-Corroboration"] = str(int(notice.corroboration))
    msg.set_content(render_text(alert, notice))
    msg.add_alternative(render_html(alert, notice), subtype="html")
    return msg
