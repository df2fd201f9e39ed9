"""The facts a watch officer reads, as plain (unescaped) strings shared by every renderer.

Each medium escapes these its own way (mrkdwn for Slack, HTML for email); keeping the wording
here means Slack and email never disagree about what happened.
"""

from __future__ import annotations

from alerts.model import Alert
from rules.event import Event, Place, Victim

NONE = "—"
MAX_VICTIM_LINES = 12


def level_label(alert: Alert) -> str:
    """`CRITICAL`, `HIGH`, ..."""
    return alert.level.upper()


def place_label(place: Place | None) -> str:
    """Short place name for subjects and headers: `Maskanah, Aleppo`."""
    if place is None:
        return ""
    parts = [place.name or place.text]
    if place.admin1_name and place.admin1_name != parts[0]:
        parts.append(place.admin1_name)
    elif not place.admin1_name and place.country and place.country != parts[0]:
        parts.append(place.country)
    return ", ".join(p for p in parts if p)


def place_full(place: Place | None) -> str:
    """Full place line: `countryside of Maskanah, Aleppo (SY-HL), Syria`."""
    if place is None:
        return ""
    name = place.name or place.text
    head = f"{place.qualifier} {name}" if place.qualifier else name
    parts = [head]
    code = f" ({place.admin1_code})" if place.admin1_code else ""
    if place.admin1_name and place.admin1_name != name:
        parts.append(place.admin1_name + code)
    elif code:
        # The place is the province itself ("southern countryside of Aleppo"): name it once.
        parts[0] += code
    if place.country and place.country != name:
        parts.append(place.country)
    return ", ".join(parts)


def what(event: Event) -> str:
    lines = [event.event_type + (f" · {', '.join(event.event_mode)}" if event.event_mode else "")]
    acled = " › ".join(x for x in (event.acled_event_type, event.acled_sub_event_type) if x)
    if acled:
        lines.append(acled)
    if event.weapon:
        lines.append("Weapon: " + ", ".join(event.weapon))
    return "\n".join(lines)


def who(event: Event) -> str:
    actors = [f"{a.name} ({a.kind})" if a.kind != "other" else a.name for a in event.actors]
    line = ", ".join(actors) or "unidentified"
    if event.recipients:
        line += "\nagainst " + ", ".join(r.name for r in event.recipients)
    return line


def victim_line(victim: Victim) -> str:
    label = victim.rank or victim.text
    if victim.status == "retired":
        label = f"retired {label}"
    # count None means the report gives no number: the text ("civilians") already says "some".
    if victim.count is not None and victim.count != 1:
        label = f"{victim.count} × {label}"
    if victim.affiliation:
        label = f"{label} ({victim.affiliation})"
    return f"{label} — {victim.outcome}"


def victims(event: Event) -> str:
    if not event.victims:
        return NONE
    lines = [victim_line(v) for v in event.victims[:MAX_VICTIM_LINES]]
    if len(event.victims) > MAX_VICTIM_LINES:
        lines.append(f"… and {len(event.victims) - MAX_VICTIM_LINES} more")
    return "\n".join(lines)


def where(event: Event) -> str:
    line = place_full(event.location) or "unknown"
    if event.destination is not None:
        line += "\nto " + place_full(event.destination)
    return line


def when(event: Event) -> str:
    if event.date is not None:
        return event.date.isoformat()
    if event.source.published_at is not None:
        return f"reported {event.source.published_at.date().isoformat()}"
    return "unknown"


def casualties(event: Event) -> str:
    parts = []
    if event.fatalities is not None:
        parts.append(f"{event.fatalities} killed")
    if event.injured is not None:
        parts.append(f"{event.injured} injured")
    return " · ".join(parts) or "not reported"


def caveats(event: Event) -> list[str]:
    """Warnings that change how much to trust the event (hedged or negated wording)."""
    notes = []
    if event.negated:
        notes.append("the report denies this event")
    if event.hedged:
        notes.append("unconfirmed: the report hedges")
    return notes


def fields(alert: Alert) -> list[tuple[str, str]]:
    """(label, value) pairs in display order."""
    ev = alert.event
    return [
        ("What", what(ev)),
        ("Who", who(ev)),
        ("Victims", victims(ev)),
        ("Where", where(ev)),
        ("When", when(ev)),
        ("Casualties", casualties(ev)),
    ]


def headline(alert: Alert) -> str:
    """`CRITICAL: Senior officer killed — Maskanah, Aleppo` (plain, unescaped)."""
    place = place_label(alert.event.location)
    line = f"{level_label(alert)}: {alert.title}"
    return f"{line} — {place}" if place else line
