"""The match agent: events -> alerts, by the loaded rule set."""

from __future__ import annotations

import logging

from ..records import to_bytes
from ..stages import StageError, match_event
from .dlq import send_dead_letter

log = logging.getLogger(__name__)


def register(app, topics, runtime) -> None:
    @app.agent(topics.events, concurrency=1, name="watchfloor.match")
    async def match(stream):
        rt = runtime()
        async for event in stream.events():
            try:
                alerts = match_event(rt.ruleset, event.message.value, rt.clock)
                for alert in alerts:
                    await (await topics.alerts.send(key=alert.incident_key.encode(), value=to_bytes(alert)))
                    log.info("alert %s fired: rule %s on event %s", alert.alert_id, alert.rule_id, alert.event.event_id)
            except StageError as exc:
                await send_dead_letter(topics.events_dlq, "match", event, str(exc))
            except Exception as exc:  # noqa: BLE001 - faust would otherwise ack and drop it
                await send_dead_letter(topics.events_dlq, "match", event, f"{type(exc).__name__}: {exc}", exc)

    _ = match
