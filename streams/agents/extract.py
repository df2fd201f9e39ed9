"""The extract agent: reports -> events, in batches, with spaCy off the event loop.

A batch's events (and dead letters) are all handed to the producer first, then their
acknowledgements are awaited together: one round trip per batch rather than one per event.
The batch's input offsets are still acknowledged only after that, so every event is in Kafka
before its report counts as done (docs/reliability.md). A report whose events could not all
be published goes to the dead-letter topic.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from .. import metrics
from ..records import to_bytes
from ..stages import StageError, extract_batch
from .dlq import queue_dead_letter

log = logging.getLogger(__name__)


def _event_key(item) -> bytes:
    """Events are keyed by province (window state by province lives on one worker)."""
    return (item.location.admin1_code if item.location and item.location.admin1_code else item.report_id).encode()


async def _queued(sends: list) -> list[asyncio.Future]:
    """Start each send (a function giving a coroutine that gives the delivery future) in
    order; an error raised while starting one (encoding included) is returned as a failed
    future, so it is handled like a refused send."""
    out = []
    for send in sends:
        try:
            out.append(await send())
        except Exception as exc:  # noqa: BLE001
            failed = asyncio.get_running_loop().create_future()
            failed.set_exception(exc)
            out.append(failed)
    return out


async def publish(topics, batch, results) -> None:
    """Every event of the batch sent (a report that failed extraction: its dead letter), then
    all acknowledgements awaited at once; a report whose events were refused goes to the
    dead-letter topic. Returns once everything is acknowledged."""
    pending: list[tuple] = []  # (input event, its result, futures of its sends)
    for event, result in zip(batch, results):
        if isinstance(result, StageError):
            sends = [lambda event=event, result=result: queue_dead_letter(
                topics.reports_dlq, "extract", event, str(result))]
        else:
            sends = [lambda item=item: topics.events.send(key=_event_key(item), value=to_bytes(item))
                     for item in result]
        pending.append((event, result, await _queued(sends)))
    acks = await asyncio.gather(*(asyncio.gather(*futures, return_exceptions=True) for _, _, futures in pending))
    retries = []
    for (event, result, _), outcome in zip(pending, acks):
        failed = next((x for x in outcome if isinstance(x, BaseException)), None)
        if isinstance(result, StageError):
            if failed is not None:
                raise failed  # the dead letter itself was refused: let faust see it, like before
            metrics.dead_letter("extract")
        elif failed is not None:
            retries.append(await queue_dead_letter(topics.reports_dlq, "extract", event,
                                                   f"publishing events failed: {failed}", failed))
            metrics.dead_letter("extract")
        else:
            metrics.events_out(result)
            log.info("report %s: %d event(s)", event.message.key, len(result))
    if retries:
        await asyncio.gather(*retries)


def register(app, topics, runtime) -> None:
    # One thread: spaCy is CPU-bound; off the loop, heartbeats and other partitions keep going.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")

    @app.agent(topics.reports, concurrency=1, name="watchfloor.extract")
    async def extract(stream):
        rt = runtime()
        loop = asyncio.get_running_loop()
        async for batch in stream.take_events(rt.settings.batch_size, within=rt.settings.batch_window_seconds):
            values = [event.message.value for event in batch]
            metrics.reports_in(len(batch))
            started = metrics.now()
            try:
                results = await loop.run_in_executor(executor, extract_batch, rt.extractor, values)
            except Exception as exc:  # noqa: BLE001 - never let faust drop the batch silently
                results = [StageError(f"extraction failed: {type(exc).__name__}: {exc}")] * len(batch)
            metrics.stage_done("extract", started)
            await publish(topics, batch, results)

    _ = extract
