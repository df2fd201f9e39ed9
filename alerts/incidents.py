"""Incidents: one message per real incident, later reports as updates to it (pure, no I/O).

Alerts that share an `incident_key` (the rule's dedup key rendered from the event) are reports
of the same incident while they keep arriving within `alert.dedup_within_seconds` of the
incident's latest alert. The first one opens the incident and is sent as a full message; each
later one is an *update* (a Slack thread reply, an email in the same thread) that says how many
distinct sources now report the incident and which facts changed.

The whole interface, for a caller that keeps one `IncidentState` per incident key (e.g. a faust
table keyed by `alert.incident_key`):

    state = IncidentState.from_dict(table[key]) if key in table else None
    notice, state = decide(state, alert, now)          # pure
    results = await deliver(alert, channels, ledger, notice=notice)
    state = record_refs(state, results)                 # pure: remembers each thread root
    table[key] = state.to_dict()                        # JSON-safe

Time: the incident window is measured on the alerts' own clock (`alert.fired_at`), so replaying
a backlog decides exactly as live processing did; `now` (the processing clock) is only stored
as `updated_at`, which a table owner may use to expire old entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from alerts.frozen import Frozen, utc
from alerts.model import Alert
from alerts.render.escape import one_line
from alerts.render.facts import place_label
from rules.event import Event, Place, Victim

STATE_VERSION = 1
Kind = Literal["new", "update", "repeat"]

# Most precise first (rules/event.py Precision); a place without a precision ranks last.
PRECISION_ORDER: tuple[str, ...] = ("point", "town", "area", "admin1", "country", "region")


class VictimCount(Frozen):
    """Victims of one kind with one outcome: `Brigadier` killed, 2 × `civilian` injured.

    `label` is the rank when the report gives one, else the rank class (`civilian`), else
    `victim`; `count` None means the report gives no number.
    """

    label: str
    outcome: str
    count: int | None = 1


class Facts(Frozen):
    """What the incident is known to be, merged over its reports so far."""

    fatalities: int | None = None
    injured: int | None = None
    victims: tuple[VictimCount, ...] = ()
    location_name: str | None = None
    admin1_name: str | None = None
    location_precision: str | None = None
    location_label: str = ""  # `Maskanah, Aleppo`, for change lines
    actors: tuple[str, ...] = ()  # identified actors' names, first mention first


class IncidentState(Frozen):
    """One incident: which alerts, reports and sources it has, its facts and thread roots.

    `refs` maps a receiver (e.g. `slack:syria-watch`) to the ref of the first message that
    receiver got for this incident: the Slack `ts` to thread replies under, the email
    Message-ID to reply to. Store it with `to_dict()`, load it with `from_dict()`.
    """

    schema_version: int = STATE_VERSION
    incident_key: str
    rule_id: str
    opened_at: datetime  # fired_at of the first alert
    last_at: datetime  # latest fired_at seen; the window slides from here
    updated_at: datetime  # processing clock of the last decide()
    first_alert_id: str
    alert_ids: tuple[str, ...]
    report_ids: tuple[str, ...]
    sources: tuple[str, ...]  # distinct source names (or `report:<id>` when a report has none)
    root_place: str = ""  # place label of the first alert (its email subject stays the thread's)
    facts: Facts = Facts()
    refs: dict[str, str] = {}
    pending: dict[str, int] = {}  # receiver -> deliveries waiting in the retry queue
    # Noise control (alerts/noise/gate.py): alerts held back and why, the changes they carried
    # (sent with the next message), messages sent and when the last one was (for realert).
    held: dict[str, str] = {}
    held_changes: tuple[str, ...] = ()
    sent: int = 0
    last_sent_at: datetime | None = None
    grouping: str | None = None  # the group key while the first message waits for its group

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (datetimes as ISO 8601 strings, tuples as lists)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IncidentState:
        """The state `to_dict()` produced (also accepts its JSON round trip)."""
        return cls.model_validate(data)


class Notice(Frozen):
    """How to send one alert: as a new incident, an update of one, or a redelivery.

    `sequence` is the alert's position in its incident (0 for the first, N for "Update N");
    `corroboration` the number of distinct sources so far; `changes` one-line plain-text
    descriptions of what this alert adds (renderers escape them); `thread_refs` the incident's
    thread roots per receiver at the time of this alert (empty for a new incident).
    """

    alert: Alert
    kind: Kind
    sequence: int = 0
    corroboration: int = 1
    changes: tuple[str, ...] = ()
    thread_refs: dict[str, str] = {}
    root_alert_id: str
    root_place: str = ""

    @property
    def is_update(self) -> bool:
        """True when this alert is to be sent as a follow-up in the incident's thread.

        A repeat of a later alert renders as the update it was; a repeat of the first alert
        renders as the opening message.
        """
        return self.kind == "update" or (self.kind == "repeat" and self.sequence > 0)

    def thread_ref(self, receiver: str) -> str | None:
        """The root to thread under for `receiver`, when this is an update and one is known."""
        return self.thread_refs.get(receiver) if self.is_update else None


class _Result(Protocol):  # alerts.channels.base.DeliveryResult, without importing channels
    @property
    def ok(self) -> bool: ...

    ref: str | None


# ---- decide -------------------------------------------------------------------------------


def source_key(event: Event) -> str:
    """The source an event counts as: its name (whitespace collapsed), else its report id."""
    name = one_line(event.source.name)
    return name if name else f"report:{one_line(event.report_id)}"


def _victim_label(victim: Victim) -> str:
    if victim.rank:
        return one_line(victim.rank)
    if victim.rank_class != "unknown":
        return victim.rank_class.replace("_", " ")
    return "victim"


def _victim_counts(victims: Iterable[Victim]) -> tuple[VictimCount, ...]:
    """Victims grouped by (label, outcome); counts add up, any unknown count makes it unknown."""
    grouped: dict[tuple[str, str], int | None] = {}
    for victim in victims:
        key = (_victim_label(victim), victim.outcome)
        if key not in grouped:
            grouped[key] = victim.count
        else:
            previous = grouped[key]
            grouped[key] = None if previous is None or victim.count is None else previous + victim.count
    return tuple(VictimCount(label=l, outcome=o, count=c) for (l, o), c in grouped.items())


def _actors(event: Event) -> tuple[str, ...]:
    names = (one_line(a.name) for a in event.actors if a.kind != "unidentified")
    return tuple(dict.fromkeys(n for n in names if n))


def _precision_rank(precision: str | None) -> int:
    return PRECISION_ORDER.index(precision) if precision in PRECISION_ORDER else len(PRECISION_ORDER)


def _location_facts(place: Place | None) -> dict[str, Any]:
    if place is None:
        return {"location_name": None, "admin1_name": None, "location_precision": None,
                "location_label": ""}
    return {
        "location_name": one_line(place.name or place.text) or None,
        "admin1_name": one_line(place.admin1_name) or None,
        "location_precision": place.precision,
        "location_label": one_line(place_label(place)),
    }


def facts_of(event: Event) -> Facts:
    """The facts one event reports."""
    return Facts(
        fatalities=event.fatalities,
        injured=event.injured,
        victims=_victim_counts(event.victims),
        actors=_actors(event),
        **_location_facts(event.location),
    )


def _victim_phrase(label: str, count: int | None) -> str:
    if count is None:
        return f"{label} (number not given)"
    return label if count == 1 else f"{count} × {label}"


def _number_change(noun: str, old: int | None, new: int | None) -> tuple[int | None, list[str]]:
    """The merged value and its change line: a report that gives no number changes nothing."""
    if new is None or new == old:
        return old, []
    if old is None:
        return new, [f"{noun} now reported: {new}"]
    return new, [f"{noun} {'rose' if new > old else 'fell'} from {old} to {new}"]


def merge_facts(known: Facts, event: Event) -> tuple[Facts, tuple[str, ...]]:
    """`known` updated with what `event` reports, and the human-readable changes.

    Numbers take the latest figure a report gives (a lower one is a correction: "fell");
    victims and actors accumulate (a source that omits them does not retract them); the
    location only ever becomes more precise.
    """
    changes: list[str] = []
    fatalities, lines = _number_change("dead", known.fatalities, event.fatalities)
    changes += lines
    injured, lines = _number_change("injured", known.injured, event.injured)
    changes += lines

    victims = {(v.label, v.outcome): v for v in known.victims}
    for reported in _victim_counts(event.victims):
        key = (reported.label, reported.outcome)
        previous = victims.get(key)
        if previous is None:
            victims[key] = reported
            changes.append(f"newly reported: {_victim_phrase(reported.label, reported.count)} "
                           f"{reported.outcome}")
        elif reported.count is not None and reported.count != previous.count:
            victims[key] = reported
            if previous.count is None:
                changes.append(f"{reported.label} {reported.outcome}: now numbered at {reported.count}")
            else:
                trend = "rose" if reported.count > previous.count else "fell"
                changes.append(f"{reported.label} {reported.outcome} {trend} from "
                               f"{previous.count} to {reported.count}")

    actors = list(known.actors)
    seen = {a.casefold() for a in actors}
    added = [a for a in _actors(event) if a.casefold() not in seen]
    if added:
        joined = ", ".join(added)
        changes.append(f"actor now identified: {joined}" if not actors else f"also attributed to: {joined}")
        actors += added

    location = {k: getattr(known, k) for k in ("location_name", "admin1_name", "location_precision",
                                               "location_label")}
    if event.location is not None:
        reported_location = _location_facts(event.location)
        if known.location_name is None and known.admin1_name is None:
            location = reported_location
            if reported_location["location_label"]:
                changes.append(f"location now reported: {reported_location['location_label']}")
        elif _precision_rank(event.location.precision) < _precision_rank(known.location_precision):
            location = reported_location
            was = f" (was {known.location_label})" if known.location_label else ""
            changes.append(f"location more precise: {reported_location['location_label']}{was}")

    merged = Facts(fatalities=fatalities, injured=injured, victims=tuple(victims.values()),
                   actors=tuple(actors), **location)
    return merged, tuple(changes)


def _open(alert: Alert, now: datetime) -> tuple[Notice, IncidentState]:
    at = utc(alert.fired_at)
    ev = alert.event
    state = IncidentState(
        incident_key=alert.incident_key,
        rule_id=alert.rule_id,
        opened_at=at,
        last_at=at,
        updated_at=utc(now),
        first_alert_id=alert.alert_id,
        alert_ids=(alert.alert_id,),
        report_ids=(ev.report_id,),
        sources=(source_key(ev),),
        root_place=one_line(place_label(ev.location)),
        facts=facts_of(ev),
    )
    notice = Notice(alert=alert, kind="new", sequence=0, corroboration=1,
                    root_alert_id=alert.alert_id, root_place=state.root_place)
    return notice, state


def _sources_with(sources: Sequence[str], key: str) -> tuple[tuple[str, ...], bool]:
    if key.casefold() in {s.casefold() for s in sources}:
        return tuple(sources), False
    return (*sources, key), True


def decide(state: IncidentState | None, alert: Alert, now: datetime) -> tuple[Notice, IncidentState]:
    """How to send `alert` given its incident's `state` (None if none is known), and the
    incident's state afterwards. Pure: same inputs, same outputs.

    - `alert.alert_id` already in the incident → "repeat" (a redelivery: the state is kept, the
      ledger makes the send a no-op, and a retried send renders as it first would have);
    - no state, another key, or the incident's latest alert is more than
      `alert.dedup_within_seconds` older than this one → "new" (a fresh incident);
    - otherwise "update": counted in, with the facts it changes and the sources corroborating.
    """
    if state is not None and state.incident_key == alert.incident_key and alert.alert_id in state.alert_ids:
        notice = Notice(
            alert=alert, kind="repeat", sequence=state.alert_ids.index(alert.alert_id),
            corroboration=len(state.sources), thread_refs=dict(state.refs),
            root_alert_id=state.first_alert_id, root_place=state.root_place,
        )
        return notice, state

    at = utc(alert.fired_at)
    window = timedelta(seconds=alert.dedup_within_seconds)
    if state is None or state.incident_key != alert.incident_key or at - utc(state.last_at) > window:
        return _open(alert, now)

    ev = alert.event
    sources, new_source = _sources_with(state.sources, source_key(ev))
    facts, fact_changes = merge_facts(state.facts, ev)
    changes = ((f"now corroborated by {len(sources)} sources",) if new_source else ()) + fact_changes
    updated = state.model_copy(update={
        "last_at": max(utc(state.last_at), at),
        "updated_at": utc(now),
        "alert_ids": (*state.alert_ids, alert.alert_id),
        "report_ids": tuple(dict.fromkeys((*state.report_ids, ev.report_id))),
        "sources": sources,
        "facts": facts,
        "refs": dict(state.refs),
    })
    notice = Notice(
        alert=alert, kind="update", sequence=len(state.alert_ids), corroboration=len(sources),
        changes=changes, thread_refs=dict(state.refs), root_alert_id=state.first_alert_id,
        root_place=state.root_place,
    )
    return notice, updated


def record_refs(state: IncidentState, results: Iterable[tuple[str, _Result]]) -> IncidentState:
    """`state` with the ref of each successful delivery kept as that receiver's thread root.

    Only the first ref per receiver is kept: once a receiver has a root, later messages (the
    thread replies) never replace it. A receiver whose first message failed gets the first
    message that does reach it as its root.
    """
    refs = dict(state.refs)
    for receiver, result in results:
        if result.ok and result.ref and receiver not in refs:
            refs[receiver] = result.ref
    if refs == state.refs:
        return state
    return state.model_copy(update={"refs": refs})
