"""The deliver agent: alerts -> incidents -> receivers, through retry and the ledger.

The alerts topic is keyed by incident key, and so is the `incidents` table: every alert of one
incident is handled by the worker that owns its partition, which holds the incident's state
(first message per receiver, sources, facts) and survives restarts through the changelog.
"""

from __future__ import annotations

import json
import logging

from alerts.deliver.send import deliver as deliver_alert
from alerts.incidents import IncidentState, decide, record_refs

from ..stages import StageError, decode_alert
from .dlq import send_dead_letter

log = logging.getLogger(__name__)


def register(app, topics, runtime) -> None:
    incidents = app.Table(
        "incidents", default=None, partitions=app.conf.topic_partitions,
        key_type=bytes, value_type=bytes, help="incident state by incident key (JSON)",
    )

    @app.agent(topics.alerts, concurrency=1, name="watchfloor.deliver")
    async def deliver(stream):
        rt = runtime()
        async for event in stream.events():
            try:
                alert = decode_alert(event.message.value)
                key = alert.incident_key.encode()
                raw = incidents.get(key)
                state = IncidentState.from_dict(json.loads(raw)) if raw else None
                notice, state = decide(state, alert, rt.clock())
                results = await deliver_alert(alert, rt.channels, rt.ledger, notice=notice)
                incidents[key] = json.dumps(record_refs(state, results).to_dict()).encode()
                outcome = " ".join(f"{receiver}:{result.status}" for receiver, result in results)
                log.info("ALERT [%s] %s (%s #%d, %d source(s)) %s %s", alert.level, alert.title, notice.kind,
                         notice.sequence, notice.corroboration, alert.alert_id, outcome,
                         extra={"alert_id": alert.alert_id, "rule_id": alert.rule_id, "report_id": alert.event.report_id})
                for receiver, result in results:
                    if result.status != "ok":
                        reason = json.dumps({"receiver": receiver, "status": result.status, "detail": result.detail})
                        await send_dead_letter(topics.deliveries_dlq, "deliver", event, reason)
            except StageError as exc:
                await send_dead_letter(topics.alerts_dlq, "deliver", event, str(exc))
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(topics.alerts_dlq, "deliver", event, f"{type(exc).__name__}: {exc}", exc)

    _ = deliver
