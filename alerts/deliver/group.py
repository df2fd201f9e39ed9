"""Sending a group whose wait is over: one message per receiver that can group (I/O).

`release(group, channels, ledger, policy)` follows alerts/noise/group.py's `plan`: each
receiver whose channel has `send_group` and gets two or more members is sent one grouped
message, tried briefly in line; on success the ledger records the group under its id and
every member under its alert id, with the message's ref (the Slack ts, the Message-ID), so
each member counts as delivered and its incident threads its updates under that message. A
release run again after a crash finds the group (or its members) in the ledger and does not
send it twice. What the grouped message did not deliver is left to the retry queue, member
by member: the caller hands every (member, receiver) pair there.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping

from alerts.channels.base import Channel, DeliveryResult
from alerts.deliver.ledger import Ledger
from alerts.deliver.retry import RetryPolicy, Sleep, send_with_retry
from alerts.incidents import Notice
from alerts.model import Alert
from alerts.noise.group import Group, plan, subset

log = logging.getLogger(__name__)


class _GroupSend:
    """A channel seen through send_with_retry: each attempt sends the whole group."""

    def __init__(self, channel: Channel, group: Group) -> None:
        self.name, self.channel, self.group = channel.name, channel, group

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult:
        return await self.channel.send_group(self.group)  # type: ignore[attr-defined]


def can_group(channels: Mapping[str, Channel]) -> Callable[[str], bool]:
    return lambda receiver: callable(getattr(channels.get(receiver), "send_group", None))


async def release(
    group: Group,
    channels: Mapping[str, Channel],
    ledger: Ledger,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Sleep = asyncio.sleep,
    rng: Callable[[], float] = random.random,
) -> tuple[list[tuple[str, DeliveryResult]], list[tuple[Notice, str]]]:
    """Send the group's grouped messages; return their results by receiver and every
    (member notice, receiver) pair, for the retry queue."""
    results: list[tuple[str, DeliveryResult]] = []
    handed: list[tuple[Notice, str]] = []
    for step in plan(group, can_group(channels)):
        handed += [(notice, step.receiver) for notice in step.members]
        if not step.grouped:
            continue
        receiver = step.receiver
        ids = [n.alert.alert_id for n in step.grouped]
        earlier = ledger.get(group.group_id, receiver)
        if earlier is not None and earlier.ok:  # sent before a crash: record its members (again)
            result = earlier
        elif all(ledger.delivered(i, receiver) for i in ids):
            results.append((receiver, DeliveryResult.success("already delivered (ledger)")))
            continue
        else:
            try:
                result = await send_with_retry(_GroupSend(channels[receiver], subset(group, step.grouped)),  # type: ignore[arg-type]
                                               step.grouped[0].alert, policy, sleep=sleep, rng=rng)
            except Exception as exc:  # a channel bug: its members go alone through the retry queue
                log.exception("channel %s raised on group %s", receiver, group.group_id)
                result = DeliveryResult.permanent(f"channel raised {type(exc).__name__}: {exc}")
            ledger.record(group.group_id, receiver, result)
        if result.ok:
            for alert_id in ids:
                if not ledger.delivered(alert_id, receiver):
                    ledger.record(alert_id, receiver, DeliveryResult.success(f"in group {group.group_id}", ref=result.ref))
        results.append((receiver, result))
    return results, handed
