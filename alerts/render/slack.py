"""Render an Alert as a Slack Block Kit message (pure; no network).

Every report-derived string goes through `mrkdwn()` and every mrkdwn text object is sent with
`verbatim=True`, so neither `<!channel>`-style sequences nor Slack's auto-parsing can turn
report text into mentions or links. Limits are enforced by truncation, never by failing: a
too-long report must still page the watch floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import (
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from alerts.model import Alert
from alerts.render import facts
from alerts.render.escape import mrkdwn, one_line, slack_link, truncate

if TYPE_CHECKING:  # alerts.incidents imports alerts.render: no runtime import back
    from alerts.incidents import Notice

# Slack Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
HEADER_MAX = 150
SECTION_TEXT_MAX = 3000
FIELD_MAX = 2000
FIELDS_MAX = 10
CONTEXT_ELEMENTS_MAX = 10
CONTEXT_TEXT_MAX = 2000
BLOCKS_MAX = 50
FALLBACK_MAX = 3000

LEVEL_EMOJI = {
    "critical": ":red_circle:",
    "high": ":large_orange_circle:",
    "medium": ":large_yellow_circle:",
    "low": ":large_blue_circle:",
    "info": ":white_circle:",
}


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage needs: notification fallback `text` and Block Kit `blocks`."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def _md(text: str, limit: int) -> MarkdownTextObject:
    """A verbatim mrkdwn object; `text` must already be escaped."""
    return MarkdownTextObject(text=truncate(text, limit), verbatim=True)


def _quote(evidence: str) -> str:
    """Escaped evidence as a mrkdwn block quote, one `>` per line."""
    lines = [line for line in mrkdwn(evidence).split("\n") if line.strip()] or ["(no evidence text)"]
    return "\n".join(f">{line}" for line in lines)


def _source(alert: Alert) -> str:
    source = alert.event.source
    line = f"Source: {slack_link(source.url, source.name or 'source')}"
    if source.published_at is not None:
        line += f" ({source.published_at.date().isoformat()})"
    return line


def _context(alert: Alert, lead: tuple[str, ...] = ()) -> list[MarkdownTextObject]:
    """Context elements: `lead` (already escaped), source link, rule, level, ids, caveats."""
    ev = alert.event
    parts = [*lead, _source(alert)]
    parts += [
        f"Rule: `{mrkdwn(alert.rule_id)}`",
        f"Level: {mrkdwn(alert.level)}",
        f"Confidence: {ev.confidence:.2f}",
        f"Report: {mrkdwn(ev.report_id)}",
        f"Alert: {mrkdwn(alert.alert_id)}",
    ]
    parts += [f":warning: {mrkdwn(note)}" for note in facts.caveats(ev)]
    return [_md(p, CONTEXT_TEXT_MAX) for p in parts[:CONTEXT_ELEMENTS_MAX]]


def render_slack(alert: Alert, notice: Notice | None = None) -> SlackMessage:
    """The Block Kit message for `alert`: header, facts, evidence quote, context.

    With an update `notice` (alerts/incidents.py), the compact thread reply instead: see
    `render_update`. A "new" notice, or none, renders the full message.
    """
    if notice is not None and notice.is_update:
        return render_update(alert, notice)
    emoji = LEVEL_EMOJI.get(alert.level, "")
    header = f"{emoji} {facts.level_label(alert)}: {mrkdwn(one_line(alert.title))}".strip()
    field_objects = [
        _md(f"*{label}*\n{mrkdwn(value)}", FIELD_MAX) for label, value in facts.fields(alert)
    ][:FIELDS_MAX]
    blocks = [
        HeaderBlock(text=PlainTextObject(text=truncate(header, HEADER_MAX), emoji=True)),
        SectionBlock(fields=field_objects),
        SectionBlock(text=_md(_quote(alert.event.evidence.text), SECTION_TEXT_MAX)),
        ContextBlock(elements=_context(alert)),
    ][:BLOCKS_MAX]
    # to_dict() runs slack_sdk's own JSON validators, so a limit we missed fails loudly here.
    rendered = [b.to_dict() for b in blocks]
    text = truncate(mrkdwn(one_line(facts.headline(alert))), FALLBACK_MAX)
    return SlackMessage(text=text, blocks=rendered)


def corroboration_label(count: int) -> str:
    """`Corroborated by 3 sources` / `1 source so far`."""
    return f"Corroborated by {count} sources" if count > 1 else "1 source so far"


def render_update(alert: Alert, notice: Notice) -> SlackMessage:
    """A later report of an incident, as a compact reply in the first message's thread.

    Header `Update N: <title>`, the changes as a bullet list (or a line saying there are none),
    the new report's evidence quote, and a context line with the corroboration count and the
    new source's link. Changes carry report text (ranks, actor and place names): escaped too.
    """
    header = f"Update {notice.sequence}: {mrkdwn(one_line(alert.title))}"
    if notice.changes:
        changes = "\n".join(f"• {mrkdwn(one_line(change))}" for change in notice.changes)
    else:
        changes = "_No new facts: another report of the same incident._"
    blocks = [
        HeaderBlock(text=PlainTextObject(text=truncate(header, HEADER_MAX), emoji=True)),
        SectionBlock(text=_md(changes, SECTION_TEXT_MAX)),
        SectionBlock(text=_md(_quote(alert.event.evidence.text), SECTION_TEXT_MAX)),
        ContextBlock(elements=_context(alert, (corroboration_label(notice.corroboration),))),
    ][:BLOCKS_MAX]
    rendered = [b.to_dict() for b in blocks]
    summary = "; ".join(one_line(c) for c in notice.changes) or "no new facts"
    fallback = f"Update {notice.sequence}: {one_line(facts.headline(alert))} — {summary}"
    return SlackMessage(text=truncate(mrkdwn(fallback), FALLBACK_MAX), blocks=rendered)
