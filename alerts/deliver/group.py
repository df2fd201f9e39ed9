"""Sending a group whose wait is over: grouped messages per receiver that can group (I/O).

`release(group, channels, ledger, policy)` follows alerts/noise/group.py's `plan`: each
receiver whose channel has `send_group` and gets two or more members is sent the group as
grouped messages of at most INCIDENTS_MAX members (what one Slack message lists in full),
each tried briefly in line; on success the ledger records the message under its part's
group id and every member in it under its alert id, with the message's ref (the Slack ts,
the Message-ID), so each member counts as delivered and its incident threads its updates
under that message. A release run again after a crash finds the messages (or their members)
in the ledger and does not send them twice. What the grouped messages did not deliver is
left to the retry queue, member by member: the caller hands every (member, receiver) pair
there.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping

from alerts.channels.base import Channel, DeliveryResult
from alerts.deliver.ledger import Ledger
from alerts.deliver.retry import RetryPolicy, Sleep
from alerts.deliver.send import ALREADY_DELIVERED, send_once
from alerts.incidents import Notice
from alerts.model import Alert
from alerts.noise.group import Group, plan
from alerts.render.group import INCIDENTS_MAX

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
    """Send the group's grouped messages; return their results by receiver (one per message)
    and every (member notice, receiver) pair, for the retry queue."""
    results: list[tuple[str, DeliveryResult]] = []
    handed: list[tuple[Notice, str]] = []
    for step in plan(group, can_group(channels), INCIDENTS_MAX):
        receiver = step.receiver
        handed += [(notice, receiver) for notice in step.members]
        for message in step.messages:
            ids = [n.alert.alert_id for n in message.members]
            if not ledger.delivered(message.group_id, receiver) and all(ledger.delivered(i, receiver) for i in ids):
                results.append((receiver, DeliveryResult.success(ALREADY_DELIVERED)))
                continue
            result = await send_once(message.group_id, message.members[0].alert, receiver,
                                     _GroupSend(channels[receiver], message), ledger, policy, sleep, rng)  # type: ignore[arg-type]
            if result.ok:  # also when sent before a crash: record its members (again)
                for alert_id in ids:
                    if not ledger.delivered(alert_id, receiver):
                        ledger.record(alert_id, receiver, DeliveryResult.success(f"in group {message.group_id}", ref=result.ref))
            results.append((receiver, result))
    return results, handed
