"""The match agent: events -> alerts, by the loaded rule set.

Window and new-term state lives in the `rule-state` table. The events topic is keyed by
province (admin1 code), so state keyed by province is owned by one worker at a time.
"""

from __future__ import annotations

import asyncio
import logging

from .. import metrics
from ..records import to_bytes
from ..stages import StageError, match_event
from ..tables import JsonTable
from .dlq import send_dead_letter

log = logging.getLogger(__name__)


def register(app, topics, runtime) -> None:
    rule_state = JsonTable(app.Table(
        "rule-state", default=None, partitions=app.conf.topic_partitions,
        key_type=bytes, value_type=bytes, help="window and new-term state by rule and key",
    ))

    @app.agent(topics.events, concurrency=1, name="watchfloor.match")
    async def match(stream):
        rt = runtime()
        async for event in stream.events():
            started = metrics.now()
            try:
                alerts = match_event(rt.ruleset, event.message.value, rt.clock, rule_state)
                # All of the event's alerts handed to the producer, then their acknowledgements
                # awaited together (still before the event's offset is acknowledged).
                sent = [await topics.alerts.send(key=alert.incident_key.encode(), value=to_bytes(alert)) for alert in alerts]
                await asyncio.gather(*sent)
                for alert in alerts:
                    log.info("alert %s fired: rule %s on event %s", alert.alert_id, alert.rule_id, alert.event.event_id)
                    metrics.alert_fired(alert)
            except StageError as exc:
                await send_dead_letter(topics.events_dlq, "match", event, str(exc))
                metrics.dead_letter("match")
            except Exception as exc:  # noqa: BLE001 - faust would otherwise ack and drop it
                await send_dead_letter(topics.events_dlq, "match", event, f"{type(exc).__name__}: {exc}", exc)
                metrics.dead_letter("match")
            metrics.stage_done("match", started)

    _ = match
