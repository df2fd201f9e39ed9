"""Sending one failed message to a dead-letter topic, with where it came from."""

from __future__ import annotations

import asyncio
import logging

import faust

from ..records import dead_letter

log = logging.getLogger(__name__)


async def send_dead_letter(dlq: faust.TopicT, stage: str, event: faust.EventT, reason: str, exc: BaseException | None = None) -> None:
    """Send the dead letter and wait for the broker's acknowledgement."""
    await (await queue_dead_letter(dlq, stage, event, reason, exc))


async def queue_dead_letter(dlq: faust.TopicT, stage: str, event: faust.EventT, reason: str,
                            exc: BaseException | None = None) -> asyncio.Future:
    """Hand the dead letter to the producer; the returned future resolves on the broker's
    acknowledgement (await it before the input offset may be committed)."""
    message = event.message
    log.warning("%s: %s (topic %s partition %s offset %s) -> %s", stage, reason, message.topic,
                message.partition, message.offset, dlq.get_topic_name())
    record = dead_letter(stage, reason, exc, message.topic, message.partition, message.offset, message.key, message.value)
    return await dlq.send(key=message.key, value=record)
