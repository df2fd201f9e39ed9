"""The retry agent: deferred deliveries, in order per incident, until the receiver is back.

It works through its partition one delivery at a time and keeps trying the one at the head
(backing off, honouring Retry-After) until it goes through, fails for good, or is older than
`delivery_max_age_seconds`: later deliveries of the same incident never overtake it. Only
deliveries that already failed are here, so waiting does not delay healthy receivers. The
members of a released group come back here too (`grouped`): the ledger holds them as sent
in the grouped message, so this records its ref as the incident's thread root and ends the
incident's group wait; a member the grouped message did not carry is delivered here alone.
"""

from __future__ import annotations

import json
import logging

from alerts.deferral import Deferred, current, settle
from alerts.deliver.retry import RetryPolicy
from alerts.deliver.send import deliver as deliver_alert
from alerts.incidents import record_refs
from alerts.noise.group import stop_waiting

from .. import metrics
from .dlq import send_dead_letter

log = logging.getLogger(__name__)


def register(app, topics, runtime, load, store) -> None:
    @app.agent(topics.deliveries_retry, concurrency=1, name="watchfloor.retry")
    async def retry(stream):
        rt = runtime()
        settings = rt.settings
        async for event in stream.events():
            try:
                deferred = Deferred.model_validate_json(event.message.value)
            except ValueError as exc:
                await send_dead_letter(topics.deliveries_dlq, "retry", event, f"invalid deferred delivery: {exc}")
                continue
            key = event.message.key
            receiver, alert = deferred.receiver, deferred.notice.alert
            channel = rt.channels.get(receiver)
            age = (rt.clock() - deferred.deferred_at).total_seconds()
            left = max(0.0, settings.delivery_max_age_seconds - age)
            policy = RetryPolicy(max_attempts=max(1, int(left / settings.delivery_retry_cap_seconds) + 8),
                                 base=1.0, cap=settings.delivery_retry_cap_seconds)
            if channel is None:
                results = []
            else:
                notice = current(deferred.notice, load(key))
                results = await deliver_alert(alert, {receiver: channel}, rt.ledger, policy, notice=notice)
            result = dict(results).get(receiver)  # results follow alert.receivers: pick this receiver's
            state = load(key)
            metrics.delivery(receiver, result.status if result else "permanent")
            if result is not None and result.status == "ok":
                log.info("deferred delivery done: %s to %s after %.1fs", alert.alert_id, receiver, age,
                         extra={"alert_id": alert.alert_id, "rule_id": alert.rule_id})
            else:
                detail = result.detail if result else "no channel configured"
                reason = json.dumps({"receiver": receiver, "status": result.status if result else "permanent",
                                     "detail": detail, "deferred_at": deferred.deferred_at.isoformat()})
                await send_dead_letter(topics.deliveries_dlq, "retry", event, reason)
                metrics.dead_letter("deliveries")
            if state is not None:
                if results:
                    state = record_refs(state, results)
                state = settle(state, receiver)
                store(key, stop_waiting(state) if deferred.grouped else state)

    _ = retry
