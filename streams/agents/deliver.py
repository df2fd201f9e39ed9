"""The deliver agent: alerts -> incidents -> receivers; what cannot go now, to the retry queue.

The alerts topic, the retry topic and the `incidents` table are all keyed by incident key, so
one worker owns an incident at a time and its state (thread roots, sources, facts, queued
deliveries) survives restarts through the table's changelog. Each receiver is tried briefly
in line; a receiver that is still failing gets the delivery deferred to the retry queue (see
alerts/deferral.py), so one dead receiver never holds up the others. Before that, the noise
gate (alerts/noise/gate.py) may hold the alert back: silenced, inhibited, in quiet hours or
before its rule's realert interval — logged as HELD with the reason, and counted. A new
incident of a rule with `group` is handed to its group instead (streams/agents/group.py).
"""

from __future__ import annotations

import asyncio
import json
import logging

from alerts.deferral import Deferred, defer, must_defer
from alerts.deliver.retry import RetryPolicy
from alerts.deliver.send import deliver as deliver_alert
from alerts.incidents import IncidentState, decide, record_refs
from alerts.noise.gate import gate
from alerts.noise.group import is_waiting_member
from alerts.routing import routed
from alerts.silences import silenced_by

from ..stages import StageError, decode_alert
from .. import metrics
from ..silence_store import SilenceStore
from .dlq import send_dead_letter
from .group import hand_to_group, register as register_group
from .retry import register as register_retry

log = logging.getLogger(__name__)


def register(app, topics, runtime) -> None:
    incidents = app.Table(
        "incidents", default=None, partitions=app.conf.topic_partitions,
        key_type=bytes, value_type=bytes, help="incident state by incident key (JSON)",
    )

    # Every worker reads every silence (the whole compacted silences topic).
    store_ref: list[SilenceStore] = []

    async def active_silence(alert):
        if not store_ref:
            settings = runtime().settings
            store = SilenceStore(settings.kafka_client_kwargs(), settings.silences_topic).start()
            # Read every silence before the first delivery, or a silenced alert could slip out.
            if not await asyncio.get_running_loop().run_in_executor(None, store.wait_ready, 30.0):
                log.warning("silences: not read within 30 s; delivering without them meanwhile")
            store_ref.append(store)
        return silenced_by(alert, store_ref[0].current())

    def load(key: bytes) -> IncidentState | None:
        raw = incidents.get(key)
        return IncidentState.from_dict(json.loads(raw)) if raw else None

    def store(key: bytes, state: IncidentState) -> None:
        incidents[key] = json.dumps(state.to_dict()).encode()

    @app.agent(topics.alerts, concurrency=1, name="watchfloor.deliver")
    async def deliver(stream):
        rt = runtime()
        inline = RetryPolicy(max_attempts=rt.settings.delivery_inline_attempts, cap=5.0)
        async for event in stream.events():
            started = metrics.now()
            try:
                alert = routed(decode_alert(event.message.value), rt.routes)  # receivers: the tree's, or notify
                key = alert.incident_key.encode()
                notice, state = decide(load(key), alert, rt.clock())
                notice, state, held = gate(notice, state, rt.clock(), silence=await active_silence(alert),
                                           quiet_hours=rt.ruleset.quiet_hours)
                if held is not None:
                    # Held back, not dropped: logged with the reason, counted, kept in the incident.
                    store(key, state)
                    log.info("HELD %s [%s] %s %s: %s%s", held.reason.upper(), alert.level, alert.title,
                             alert.alert_id, held.detail, " (redelivery)" if held.again else "",
                             extra={"alert_id": alert.alert_id, "rule_id": alert.rule_id})
                    if not held.again:
                        metrics.suppressed(held.reason, alert.rule_id)
                        for receiver in alert.receivers:
                            metrics.delivery(receiver, held.reason)
                    continue
                if alert.group is not None and notice.kind == "new" or is_waiting_member(state, alert):
                    # Group wait: the burst goes out as one message (streams/agents/group.py).
                    state = await hand_to_group(topics, notice, state)
                    store(key, state)
                    log.info("GROUPED [%s] %s %s: waits for group %s", alert.level, alert.title, alert.alert_id,
                             state.grouping, extra={"alert_id": alert.alert_id, "rule_id": alert.rule_id})
                    continue
                now_receivers = {r: c for r, c in rt.channels.items() if not must_defer(state, r)}
                results = await deliver_alert(alert, now_receivers, rt.ledger, inline, notice=notice)
                state = record_refs(state, results)
                outcome = []
                for receiver, result in results:
                    if result.status == "ok":
                        outcome.append(f"{receiver}:ok")
                        metrics.delivery(receiver, "ok")
                        continue
                    if result.status == "retryable" or receiver not in now_receivers and receiver in rt.channels:
                        deferred = Deferred(notice=notice, receiver=receiver, deferred_at=rt.clock(),
                                            reason=result.detail)
                        await (await topics.deliveries_retry.send(key=key, value=deferred.model_dump_json().encode()))
                        state = defer(state, receiver)
                        outcome.append(f"{receiver}:deferred")
                        metrics.delivery(receiver, "deferred")
                    else:
                        reason = json.dumps({"receiver": receiver, "status": result.status, "detail": result.detail})
                        await send_dead_letter(topics.deliveries_dlq, "deliver", event, reason)
                        outcome.append(f"{receiver}:{result.status}")
                        metrics.delivery(receiver, result.status)
                        metrics.dead_letter("deliveries")
                store(key, state)
                log.info("ALERT [%s] %s (%s #%d, %d source(s)) %s %s", alert.level, alert.title, notice.kind,
                         notice.sequence, notice.corroboration, alert.alert_id, " ".join(outcome),
                         extra={"alert_id": alert.alert_id, "rule_id": alert.rule_id, "report_id": alert.event.report_id})
            except StageError as exc:
                await send_dead_letter(topics.alerts_dlq, "deliver", event, str(exc))
                metrics.dead_letter("deliver")
            except Exception as exc:  # noqa: BLE001
                await send_dead_letter(topics.alerts_dlq, "deliver", event, f"{type(exc).__name__}: {exc}", exc)
                metrics.dead_letter("deliver")
            metrics.stage_done("deliver", started)

    register_retry(app, topics, runtime, load, store)
    register_group(app, topics, runtime)
    _ = deliver
