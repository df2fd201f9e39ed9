"""The deliver agent: alerts -> receivers, through retry and the ledger."""

from __future__ import annotations

import json
import logging

from alerts.deliver.send import deliver as deliver_alert

from ..stages import StageError, decode_alert
from .dlq import send_dead_letter

log = logging.getLogger(__name__)


def register(app, topics, runtime) -> None:
    @app.agent(topics.alerts, concurrency=1, name="watchfloor.deliver")
    async def deliver(stream):
        rt = runtime()
        async for event in stream.events():
            try:
                alert = decode_alert(event.message.value)
                results = await deliver_alert(alert, rt.channels, rt.ledger)
                outcome = " ".join(f"{receiver}:{result.status}" for receiver, result in results)
                log.info("ALERT [%s] %s — %s (%s) %s", alert.level, alert.title, alert.incident_key, alert.alert_id, outcome)
                for receiver, result in results:
                    if result.status != "ok":
                        reason = json.dumps({"receiver": receiver, "status": result.status, "detail": result.detail})
                        await send_dead_letter(topics.deliveries_dlq, "deliver", event, reason)
            except StageError as exc:
                await send_dead_letter(topics.alerts_dlq, "deliver", event, str(exc))
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(topics.alerts_dlq, "deliver", event, f"{type(exc).__name__}: {exc}", exc)

    _ = deliver
