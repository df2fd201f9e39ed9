"""The group agents: new incidents collected per group key, each group released when due.

A rule with `group` (alerts/noise/group.py) makes the deliver stage publish a new incident's
first notice to the groups topic, keyed by the group key, so every member of a group meets
on one worker whatever partition its incident is on. `collect` adds it to the `groups` table
(changelog-backed, keyed by group key); the member that opens a group also publishes when the
group is due to the group-due topic (same key, same partition, so the same worker owns both);
a redelivered member of a group not closing yet publishes it again (the stage may have died
between the table write and the send). `release` works through that topic in order: a due
message whose group is not due yet is held at most a second, then published again at the
tail and acked (faust's rebalance and shutdown wait for every held event); a due one closes
the group, sends it (alerts/deliver/group.py) and hands every member back to its incident
through the retry topic (keyed by incident key). The input offset is committed only after
all of that, so a crash replays the due message and the ledger keeps the replay from sending
twice.
"""

from __future__ import annotations

import asyncio
import logging

from alerts.deferral import Deferred
from alerts.deliver.group import release as release_group
from alerts.deliver.retry import RetryPolicy
from alerts.incidents import IncidentState, Notice
from alerts.noise.group import (
    Due, GroupBook, Member, close, finish, group_id_for, group_key, hold_for, join, release_step, start_waiting,
)

from .. import metrics
from ..tables import JsonTable
from .dlq import send_dead_letter

log = logging.getLogger(__name__)


async def hand_to_group(topics, notice: Notice, state: IncidentState) -> IncidentState:
    """Publish the incident's first notice to its group; the incident waits for the group
    (a redelivered member is published again: the group ignores a member it has)."""
    alert = notice.alert
    key = state.grouping or group_key(alert)
    wait = alert.group.wait_seconds if alert.group is not None else 0.0
    member = Member(group_key=key, wait_seconds=wait, notice=notice.model_copy(update={"kind": "new"}))
    await (await topics.groups.send(key=key.encode(), value=member.model_dump_json().encode()))
    return state if state.grouping is not None else start_waiting(state, key, alert.receivers)


def register(app, topics, runtime) -> None:
    groups = JsonTable(app.Table(
        "groups", default=None, partitions=app.conf.topic_partitions,
        key_type=bytes, value_type=bytes, help="open groups of new incidents by group key",
    ))

    def book(key: str) -> GroupBook:
        raw = groups.get(key)
        return GroupBook.model_validate(raw) if raw else GroupBook()

    def keep(key: str, value: GroupBook) -> None:
        if value.groups:
            groups[key] = value.model_dump(mode="json")
        elif groups.get(key) is not None:
            del groups[key]

    @app.agent(topics.groups, concurrency=1, name="watchfloor.group")
    async def collect(stream):
        rt = runtime()
        async for event in stream.events():
            try:
                member = Member.model_validate_json(event.message.value)
                updated, due = join(book(member.group_key), member, rt.clock())
                keep(member.group_key, updated)
                alert = member.notice.alert
                if due is not None:
                    await (await topics.groups_due.send(key=member.group_key.encode(),
                                                        value=due.model_dump_json().encode()))
                    how = "opened by" if due.group_id == group_id_for(member.group_key, alert.alert_id) else "due again for"
                    log.info("group %s %s alert %s, due %s", due.group_id, how, alert.alert_id,
                             due.due_at.isoformat(), extra={"alert_id": alert.alert_id, "rule_id": alert.rule_id})
                else:
                    log.info("alert %s joins group %s", alert.alert_id, member.group_key,
                             extra={"alert_id": alert.alert_id, "rule_id": alert.rule_id})
            except Exception as exc:  # noqa: BLE001 - faust would otherwise ack and drop it
                await send_dead_letter(topics.alerts_dlq, "group", event, f"{type(exc).__name__}: {exc}", exc)
                metrics.dead_letter("group")

    @app.agent(topics.groups_due, concurrency=1, name="watchfloor.group-release")
    async def release(stream):
        rt = runtime()
        inline = RetryPolicy(max_attempts=rt.settings.delivery_inline_attempts, cap=5.0)
        async for event in stream.events():
            try:
                due = Due.model_validate_json(event.message.value)
                pause = hold_for(due, rt.clock())
                if pause > 0:  # briefly only: a rebalance or a shutdown waits until this event is acked
                    await asyncio.sleep(pause)
                if release_step(due, rt.clock()) == "requeue":
                    if any(g.group_id == due.group_id for g in book(due.group_key).groups):
                        await (await topics.groups_due.send(key=due.group_key.encode(), value=event.message.value))
                    continue
                updated, group = close(book(due.group_key), due.group_id)
                if group is None:
                    continue  # released already: a replayed due message
                keep(due.group_key, updated)
                results, handed = await release_group(group, rt.channels, rt.ledger, inline)
                for notice, receiver in handed:
                    deferred = Deferred(notice=notice, receiver=receiver, deferred_at=rt.clock(),
                                        reason=f"member of group {group.group_id}", grouped=True)
                    await (await topics.deliveries_retry.send(key=notice.alert.incident_key.encode(),
                                                              value=deferred.model_dump_json().encode()))
                keep(due.group_key, finish(book(due.group_key), due.group_id))
                for receiver, result in results:
                    metrics.delivery(receiver, result.status)
                outcome = " ".join(f"{r}:{res.status}" for r, res in results) or "each alone"
                log.info("GROUP %s: %d incident(s) of rule %s, %s", group.group_id, len(group.members),
                         group.rule_id, outcome, extra={"rule_id": group.rule_id})
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(topics.alerts_dlq, "group-release", event, f"{type(exc).__name__}: {exc}", exc)
                metrics.dead_letter("group")

    _ = (collect, release)
