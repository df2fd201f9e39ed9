"""The match agent: events -> alerts, by the loaded rule set.

Window and new-term state lives in the `rule-state` table. The events topic is keyed by
province (admin1 code), so state keyed by province is owned by one worker at a time: the
`noise-memory` table (recent incidents' fingerprints and active inhibitions per province,
alerts/noise/province.py) too.
"""

from __future__ import annotations

import asyncio
import logging

from alerts.noise.province import settle

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

    noise_memory = JsonTable(app.Table(
        "noise-memory", default=None, partitions=app.conf.topic_partitions,
        key_type=bytes, value_type=bytes, help="recent incidents and inhibitions by province",
    ))

    specs: dict = {"ruleset": None, "by_id": {}}  # the running rule set's specs by rule id

    def settled(rt, alerts):
        # Joins each alert to an earlier incident of its province (fuzzy) and marks inhibited ones.
        if not alerts:
            return
        if specs["ruleset"] is not rt.ruleset:  # built once per rule set, not per event
            specs.update(ruleset=rt.ruleset, by_id={rule.id: rule.spec for rule in rt.ruleset.rules})
        for item in settle(alerts, noise_memory, specs["by_id"]):
            if item.how in ("exact", "fuzzy"):
                metrics.incident_joined(item.how)
            if item.alert.own_incident_key:
                log.info("alert %s joins incident %s (%s)", item.alert.alert_id, item.alert.incident_key, item.how)
            yield item.alert

    @app.agent(topics.events, concurrency=1, name="watchfloor.match")
    async def match(stream):
        rt = runtime()
        async for event in stream.events():
            started = metrics.now()
            try:
                alerts = list(settled(rt, match_event(rt.ruleset, event.message.value, rt.clock, rule_state)))
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
