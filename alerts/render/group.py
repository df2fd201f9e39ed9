"""Render a group of new incidents (alerts/noise/group.py) as one Slack message or one email.

Pure, like the single-alert renderers, and escaped the same way: report text reaches Slack
only through `mrkdwn()` in verbatim text objects, and email headers only through
`header_safe`. One line per incident: its headline (place), casualties, actors, and the
source link, with the alert id so a watch officer can find it again.
"""

from __future__ import annotations

import html
from email.message import EmailMessage
from email.utils import format_datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, PlainTextObject, SectionBlock

from alerts.model import Alert
from alerts.render import facts
from alerts.render.email import DOMAIN, LEVEL_COLOUR, SUBJECT_MAX, _digest, _h
from alerts.render.escape import clean, header_safe, mrkdwn, one_line, safe_url, slack_link, truncate
from alerts.render.slack import (
    BLOCKS_MAX, CONTEXT_TEXT_MAX, FALLBACK_MAX, HEADER_MAX, LEVEL_EMOJI, SECTION_TEXT_MAX,
    SlackMessage, _md,
)

if TYPE_CHECKING:  # alerts.noise.group imports alerts.incidents, which imports alerts.render
    from alerts.noise.group import Group

# Header, summary and context around the incidents: the rest of Slack's 50 blocks.
INCIDENTS_MAX = BLOCKS_MAX - 4
PLACES_MAX = 5


def _alerts(group: Group) -> list[Alert]:
    return [notice.alert for notice in group.members]


def _title(group: Group) -> tuple[Alert, str]:
    """The first member (its rule's title and level stand for the group) and `N × title`."""
    first = _alerts(group)[0]
    return first, f"{len(group.members)} × {one_line(first.title)}"


def _places(alerts: Sequence[Alert]) -> str:
    """`Saraqib, Idlib; Ariha, Idlib; … (+2)` (plain, unescaped)."""
    names = list(dict.fromkeys(facts.place_label(a.event.location) or "place unknown" for a in alerts))
    shown = "; ".join(names[:PLACES_MAX])
    return shown + (f"; … (+{len(names) - PLACES_MAX})" if len(names) > PLACES_MAX else "")


def _line(alert: Alert) -> list[str]:
    """One incident as plain lines: headline, casualties and actors, when, source."""
    ev = alert.event
    details = f"Casualties: {facts.casualties(ev)} · Who: {one_line(facts.who(ev))}"
    return [one_line(facts.headline(alert)), details, f"When: {facts.when(ev)}",
            *(f"!! {note}" for note in facts.caveats(ev))]


def _slack_incident(number: int, alert: Alert) -> SectionBlock:
    headline, details, when, *notes = _line(alert)
    source = alert.event.source
    text = "\n".join([
        f"*{number}.* *{mrkdwn(headline)}*", mrkdwn(details), mrkdwn(when),
        *(f":warning: {mrkdwn(n.removeprefix('!! '))}" for n in notes),
        f"Source: {slack_link(source.url, source.name or 'source')} · Alert: {mrkdwn(alert.alert_id)}",
    ])
    return SectionBlock(text=_md(text, SECTION_TEXT_MAX))


def render_group_slack(group: Group) -> SlackMessage:
    """The Block Kit message for a group: `N × title` header, the places, one section per
    incident (at most INCIDENTS_MAX; the rest counted, though alerts/deliver/group.py never
    sends a larger part), and a context line."""
    alerts = _alerts(group)
    first, title = _title(group)
    emoji = LEVEL_EMOJI.get(first.level, "")
    header = f"{emoji} {facts.level_label(first)}: {title}".strip()
    shown = alerts[:INCIDENTS_MAX]
    summary = f"*{len(alerts)} new incidents* — {mrkdwn(_places(alerts))}"
    blocks = [
        HeaderBlock(text=PlainTextObject(text=truncate(header, HEADER_MAX), emoji=True)),
        SectionBlock(text=_md(summary, SECTION_TEXT_MAX)),
        *(_slack_incident(i, a) for i, a in enumerate(shown, 1)),
    ]
    if len(alerts) > len(shown):
        blocks.append(SectionBlock(text=_md(f"_… and {len(alerts) - len(shown)} more incidents._",
                                            SECTION_TEXT_MAX)))
    context = (f"Rule: `{mrkdwn(first.rule_id)}` · Level: {mrkdwn(first.level)} · "
               f"Group: {mrkdwn(group.group_id)} · updates follow in this thread")
    blocks.append(ContextBlock(elements=[_md(context, CONTEXT_TEXT_MAX)]))
    rendered = [b.to_dict() for b in blocks[:BLOCKS_MAX]]
    fallback = f"{facts.level_label(first)}: {title} — {_places(alerts)}"
    return SlackMessage(text=truncate(mrkdwn(one_line(fallback)), FALLBACK_MAX), blocks=rendered)


def group_message_id(group: Group) -> str:
    """Stable Message-ID of a group's email: the same group, the same id."""
    return f"<wf-group-{_digest(group.group_key, group.group_id)}@{DOMAIN}>"


def group_subject(group: Group) -> str:
    """`[MEDIUM] 4 × People killed — Saraqib, Idlib; Ariha, Idlib; …`, header-safe."""
    first, title = _title(group)
    return header_safe(f"[{facts.level_label(first)}] {title} — {_places(_alerts(group))}", SUBJECT_MAX)


def render_group_text(group: Group) -> str:
    """The plain-text part: the count, then each incident with its source link."""
    alerts = _alerts(group)
    first, title = _title(group)
    lines = [f"{facts.level_label(first)}: {title}", f"{len(alerts)} new incidents: {_places(alerts)}", ""]
    for number, alert in enumerate(alerts, 1):
        headline, *rest = _line(alert)
        lines.append(f"{number}. {headline}")
        lines += [f"   {clean(r)}" for r in rest]
        url = safe_url(alert.event.source.url)
        source = one_line(alert.event.source.name) or "unknown source"
        lines.append(f"   Source: {source}" + (f" <{url}>" if url else ""))
        lines += [f"   Alert: {alert.alert_id} · incident {one_line(alert.incident_key)}", ""]
    lines.append(f"Rule: {first.rule_id} · level {first.level} · group {group.group_id}")
    lines.append("Updates of each incident follow as replies to this email.")
    return "\n".join(lines) + "\n"


def render_group_html(group: Group) -> str:
    """The HTML part; every value escaped, links only to http(s) URLs."""
    alerts = _alerts(group)
    first, title = _title(group)
    colour = LEVEL_COLOUR.get(first.level, "#6b6b6b")
    items = []
    for alert in alerts:
        headline, *rest = _line(alert)
        url = safe_url(alert.event.source.url)
        source = _h(one_line(alert.event.source.name) or "unknown source")
        link = f'<a href="{html.escape(url)}">{source}</a>' if url else source
        details = "".join(f"<br>{_h(r)}" for r in rest)
        items.append(f"<li><b>{_h(headline)}</b>{details}<br>Source: {link} · Alert: {_h(alert.alert_id)}</li>\n")
    return (
        "<!DOCTYPE html>\n<html><body>\n"
        f'<h2 style="color:{colour}">{_h(facts.level_label(first))}: {_h(title)}</h2>\n'
        f"<p>{len(alerts)} new incidents: {_h(_places(alerts))}</p>\n"
        f"<ol>\n{''.join(items)}</ol>\n"
        f'<p style="color:#6b6b6b;font-size:small">Rule: {_h(first.rule_id)} · level {_h(first.level)}'
        f" · group {_h(group.group_id)}<br>\nUpdates of each incident follow as replies to this email.</p>\n"
        "</body></html>\n"
    )


def render_group_email(group: Group, sender: str, to: Sequence[str], cc: Sequence[str] = ()) -> EmailMessage:
    """The group as one EmailMessage (text + HTML, stable Message-ID); updates of its
    incidents reply to it (the channel's ref is this Message-ID)."""
    first, _ = _title(group)
    msg = EmailMessage()
    msg["Subject"] = group_subject(group)
    msg["From"] = header_safe(sender)
    msg["To"] = ", ".join(header_safe(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(header_safe(a) for a in cc)
    msg["Date"] = format_datetime(group.opened_at)
    msg["Message-ID"] = group_message_id(group)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Watchfloor-Group"] = header_safe(group.group_id)
    msg["X-Watchfloor-Rule"] = header_safe(first.rule_id)
    msg["X-Watchfloor-Level"] = header_safe(first.level)
    msg["X-Watchfloor-Incidents"] = str(len(group.members))
    msg.set_content(render_group_text(group))
    msg.add_alternative(render_group_html(group), subtype="html")
    return msg
