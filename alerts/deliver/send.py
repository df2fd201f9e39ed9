"""The send stage: every receiver of an alert, through its channel, with retry and ledger.

Receivers are independent: they are sent concurrently (a Slack backing off does not hold up
the email), each outcome is recorded under its own (alert id, receiver) key, and one
receiver's failure never marks another done.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from alerts.channels.base import Channel, DeliveryResult
from alerts.deliver.ledger import Ledger
from alerts.deliver.retry import RetryPolicy, Sleep, send_with_retry
from alerts.model import Alert

if TYPE_CHECKING:
    from alerts.incidents import Notice

log = logging.getLogger(__name__)

ALREADY_DELIVERED = "already delivered (ledger)"
NO_CHANNEL = "no channel configured for this receiver"


async def send_once(
    key: str, alert: Alert, receiver: str, channel: Channel, ledger: Ledger, policy: RetryPolicy,
    sleep: Sleep, rng: Callable[[], float], notice: Notice | None = None,
) -> DeliveryResult:
    """One message to one receiver, recorded in the ledger under (`key`, receiver): the alert
    id for an alert, the group id for a grouped message (alerts/deliver/group.py). Already `ok`
    there: not sent again, its ref returned. A channel that raises gets a permanent failure."""
    if ledger.delivered(key, receiver):
        previous = ledger.get(key, receiver)
        return DeliveryResult.success(ALREADY_DELIVERED, ref=previous.ref if previous else None)
    try:
        result = await send_with_retry(channel, alert, policy, sleep=sleep, rng=rng, notice=notice)
    except Exception as exc:  # a channel bug must not stop the other receivers
        log.exception("channel %s raised on %s", receiver, key)
        result = DeliveryResult.permanent(f"channel raised {type(exc).__name__}: {exc}")
    ledger.record(key, receiver, result)
    return result


async def deliver(
    alert: Alert,
    channels: Mapping[str, Channel],
    ledger: Ledger,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Sleep = asyncio.sleep,
    rng: Callable[[], float] = random.random,
    notice: Notice | None = None,
) -> list[tuple[str, DeliveryResult]]:
    """Send `alert` to each of its receivers; results in `alert.receivers` order.

    A receiver already `ok` in the ledger is not sent again (result detail says so). A receiver
    with no channel is reported as permanent but not recorded, so configuring the channel and
    replaying the alert still delivers it.

    `notice` (from alerts.incidents.decide) makes each channel send the alert as what it is in
    its incident: the opening message, or an update threaded under the opening message. Feed
    the results to alerts.incidents.record_refs so later updates know their thread roots.
    """
    receivers = list(dict.fromkeys(alert.receivers))  # a receiver listed twice is sent once
    jobs = {}
    for receiver in receivers:
        if receiver in channels:
            jobs[receiver] = send_once(alert.alert_id, alert, receiver, channels[receiver], ledger, policy, sleep, rng, notice)
        else:
            log.warning("alert %s: %s for %r", alert.alert_id, NO_CHANNEL, receiver)
    done = dict(zip(jobs, await asyncio.gather(*jobs.values())))
    return [(r, done.get(r) or DeliveryResult.permanent(NO_CHANNEL)) for r in receivers]
