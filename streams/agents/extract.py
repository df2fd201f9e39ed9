"""The extract agent: reports -> events, in batches, with spaCy off the event loop."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from .. import metrics
from ..records import to_bytes
from ..stages import StageError, extract_batch
from .dlq import send_dead_letter

log = logging.getLogger(__name__)


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
            for event, result in zip(batch, results):
                if isinstance(result, StageError):
                    await send_dead_letter(topics.reports_dlq, "extract", event, str(result))
                    metrics.dead_letter("extract")
                    continue
                try:
                    for item in result:
                        key = (item.location.admin1_code if item.location and item.location.admin1_code else item.report_id)
                        await (await topics.events.send(key=key.encode(), value=to_bytes(item)))
                        metrics.events_out([item])
                    log.info("report %s: %d event(s)", event.message.key, len(result))
                except Exception as exc:  # noqa: BLE001
                    await send_dead_letter(topics.reports_dlq, "extract", event, f"publishing events failed: {exc}", exc)
                    metrics.dead_letter("extract")

    _ = extract
