"""Sending one failed message to a dead-letter topic, with where it came from."""

from __future__ import annotations

import logging

import faust

from ..records import dead_letter

log = logging.getLogger(__name__)


async def send_dead_letter(dlq: faust.TopicT, stage: str, event: faust.EventT, reason: str, exc: BaseException | None = None) -> None:
    message = event.message
    log.warning("%s: %s (topic %s partition %s offset %s) -> %s", stage, reason, message.topic,
                message.partition, message.offset, dlq.get_topic_name())
    record = dead_letter(stage, reason, exc, message.topic, message.partition, message.offset, message.key, message.value)
    await (await dlq.send(key=message.key, value=record))
