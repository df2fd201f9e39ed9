"""Group wait: a burst of new incidents of one rule goes out as one message (pure).

Alertmanager's `group_wait`, for incidents. A rule with `group: {by: [...], wait: 30s}` makes
the deliver stage hand each *new* incident's first notice to a group instead of sending it
(`start_waiting`); the incident's later updates are held back meanwhile (reason `group_wait`,
alerts/noise/gate.py). Groups live in a table keyed by the group key (rule id and the `by`
labels), one `GroupBook` per key:

    book, due = join(book, member, now)     # a member arrives; `due` when it opened a group
    release_step(due, now)                  # "release" once due, else "requeue" the due message
    book, group = close(book, group_id)     # the group's time has come: no one joins it now
    steps = plan(group, can_group, most)    # per receiver: grouped messages, or each alone
    book = finish(book, group_id)           # sent and handed on: forget it

A group of one is not a group: its member goes out alone, as it would have without `group`.
After the grouped message, every member is handed to the retry queue as a deferred delivery
of its incident (`Deferred.grouped`): the ledger already holds it as delivered under the
grouped message's ref, so there it only records the incident's thread root and ends the
wait; a member the grouped message did not reach (a receiver that cannot group, or failed)
is delivered there on its own. Nothing waits in process memory.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from alerts.frozen import Frozen, utc
from alerts.incidents import IncidentState, Notice
from alerts.model import Alert
from alerts.silences import labels


class Member(Frozen):
    """A new incident's first notice, waiting for its group (the groups topic's message)."""

    group_key: str
    wait_seconds: float
    notice: Notice


class Due(Frozen):
    """When a group is to be sent (the group-due topic's message)."""

    group_key: str
    group_id: str
    due_at: datetime


class Group(Frozen):
    """The new incidents collected under one group key since `opened_at`.

    `closing` once its time has come: later members open a new group, and a crash while it
    is being sent finds it again and finishes it (the ledger skips what already went out).
    """

    group_id: str
    group_key: str
    rule_id: str
    opened_at: datetime
    due_at: datetime
    members: tuple[Notice, ...]
    closing: bool = False


class GroupBook(Frozen):
    """Every group of one group key that is not finished yet (the groups table's value)."""

    groups: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Step:
    """What to do for one receiver: each of `messages` (a part of the group: two to `most`
    members, its own group id) as one grouped message (none when the members go alone), then
    every member of `members` to the retry queue."""

    receiver: str
    messages: tuple[Group, ...]
    members: tuple[Notice, ...]


def group_key(alert: Alert) -> str:
    """The rule id and the values of its `group.by` labels: equal keys group together."""
    by = alert.group.by if alert.group is not None else ()
    return json.dumps([alert.rule_id, *([name, sorted(labels(alert, name))] for name in by)],
                      ensure_ascii=False, separators=(",", ":"))


def group_id_for(key: str, first_alert_id: str) -> str:
    """Stable for (group key, first member): a replayed first member opens the same group."""
    return "grp-" + hashlib.sha256(f"{key}\x1f{first_alert_id}".encode()).hexdigest()[:20]


def start_waiting(state: IncidentState, key: str, receivers: tuple[str, ...]) -> IncidentState:
    """The incident once its first notice went to group `key`: waiting for the group, and one
    delivery per receiver queued (the grouped member comes back through the retry queue)."""
    pending = dict(state.pending)
    for receiver in dict.fromkeys(receivers):
        pending[receiver] = pending.get(receiver, 0) + 1
    return state.model_copy(update={"grouping": key, "pending": pending})


def stop_waiting(state: IncidentState) -> IncidentState:
    """The group was sent: the incident's updates go out again (threaded under its message)."""
    return state if state.grouping is None else state.model_copy(update={"grouping": None})


def is_waiting_member(state: IncidentState | None, alert: Alert) -> bool:
    """True for a redelivery of the first alert of an incident still waiting for its group:
    it goes to the group again (the group ignores a member it has), never out on its own."""
    return state is not None and state.grouping is not None and alert.alert_id == state.first_alert_id


def _due(group: Group) -> Due:
    return Due(group_key=group.group_key, group_id=group.group_id, due_at=group.due_at)


def join(book: GroupBook, member: Member, now: datetime) -> tuple[GroupBook, Due | None]:
    """`book` with `member` in its open group, or in a new group (then also when it is due).

    A member already in one of the book's groups (a redelivery) changes nothing; if its group
    is not closing yet, its Due comes back again: the stage may have written the table and
    crashed (or failed to send) before publishing the Due, and a group without one is never
    released. A second Due of a group is harmless: the release ignores a group it sent.
    """
    alert_id = member.notice.alert.alert_id
    for group in book.groups:
        if any(n.alert.alert_id == alert_id for n in group.members):
            return book, None if group.closing else _due(group)
    for i, group in enumerate(book.groups):
        if not group.closing:
            joined = group.model_copy(update={"members": (*group.members, member.notice)})
            return GroupBook(groups=(*book.groups[:i], joined, *book.groups[i + 1:])), None
    at = utc(now)
    group = Group(group_id=group_id_for(member.group_key, alert_id), group_key=member.group_key,
                  rule_id=member.notice.alert.rule_id, opened_at=at,
                  due_at=at + timedelta(seconds=member.wait_seconds), members=(member.notice,))
    return GroupBook(groups=(*book.groups, group)), _due(group)


HOLD_MAX_SECONDS = 1.0
"""The longest the release stage holds a due message that is not due yet (then requeues it):
faust acks nothing while an event is held, and a rebalance or a shutdown waits for the acks."""


def hold_for(due: Due, now: datetime) -> float:
    """Seconds to wait before `release_step`: until the group is due, at most HOLD_MAX_SECONDS."""
    return min(max((utc(due.due_at) - utc(now)).total_seconds(), 0.0), HOLD_MAX_SECONDS)


def release_step(due: Due, now: datetime) -> Literal["release", "requeue"]:
    """What the release stage does with a due message at `now`: release the group once it is
    due, else publish the same due message again (at the partition's tail) and move on."""
    return "release" if utc(now) >= utc(due.due_at) else "requeue"


def close(book: GroupBook, group_id: str) -> tuple[GroupBook, Group | None]:
    """`book` with the group closed to new members, and the group (None if it is finished)."""
    for i, group in enumerate(book.groups):
        if group.group_id == group_id:
            closed = group.model_copy(update={"closing": True})
            return GroupBook(groups=(*book.groups[:i], closed, *book.groups[i + 1:])), closed
    return book, None


def finish(book: GroupBook, group_id: str) -> GroupBook:
    """`book` without the group (sent, and its members handed to the retry queue)."""
    return GroupBook(groups=tuple(g for g in book.groups if g.group_id != group_id))


def parts(group: Group, members: tuple[Notice, ...], most: int) -> tuple[Group, ...]:
    """`members` of `group` as messages of at most `most` members, as even as can be (so no
    part is left with one), in order. The first part keeps the group's id, the k-th is
    `<id>-k`: stable, so a release replayed after a crash finds each part in the ledger."""
    count = -(-len(members) // most)
    size, extra = divmod(len(members), count)
    out, start = [], 0
    for k in range(count):
        end = start + size + (1 if k < extra else 0)
        out.append(group.model_copy(update={
            "group_id": group.group_id if k == 0 else f"{group.group_id}-{k + 1}", "members": members[start:end]}))
        start = end
    return tuple(out)


def plan(group: Group, can_group: Callable[[str], bool], most: int) -> list[Step]:
    """Per receiver of the group's members (first seen first): the members it gets, and the
    grouped messages they go as — two or more members, to a receiver whose channel can group,
    at most `most` members a message (what one message can list in full)."""
    if most < 2:
        raise ValueError(f"a grouped message needs room for two members, not {most}")
    receivers: dict[str, list[Notice]] = {}
    for notice in group.members:
        for receiver in dict.fromkeys(notice.alert.receivers):
            receivers.setdefault(receiver, []).append(notice)
    return [Step(receiver=r, members=tuple(ms),
                 messages=parts(group, tuple(ms), most) if len(ms) >= 2 and can_group(r) else ())
            for r, ms in receivers.items()]
