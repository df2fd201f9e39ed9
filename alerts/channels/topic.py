"""Topic channel: the alert's JSON onto a Kafka topic, for downstream consumers (a SIEM, a map).

The producer is injected (`publish(topic, key, value)`, awaited until the broker acknowledged),
so this module does not depend on a Kafka client. The record is keyed by the incident key, as
on the alerts topic, so one incident's alerts stay in order on one partition; the alert id in
the value lets consumers drop the duplicate a retry may produce.

Failures are classified by the client's own `retriable` flag (kafka-python's and aiokafka's
errors carry one): a timeout or a lost leader is retryable, a record too large or a refused
authorisation is permanent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from alerts.channels.base import DeliveryResult
from alerts.model import Alert

if TYPE_CHECKING:
    from alerts.incidents import Notice

Publish = Callable[[str, bytes, bytes], Awaitable[object]]
# Not flagged retriable by kafka-python, yet transient: the broker is away.
_TRANSIENT_NAMES = frozenset({"NoBrokersAvailable", "KafkaTimeoutError", "KafkaConnectionError"})


def classify_kafka_error(exc: BaseException) -> DeliveryResult:
    name = type(exc).__name__
    detail = f"kafka: {name}: {exc}"
    if getattr(exc, "retriable", False) or name in _TRANSIENT_NAMES or isinstance(exc, (TimeoutError, OSError)):
        return DeliveryResult.retryable(detail)
    return DeliveryResult.permanent(detail)


class TopicChannel:
    """Publishes each alert on one topic."""

    def __init__(self, name: str, topic: str, publish: Publish) -> None:
        self.name = name
        self.topic = topic
        self.publish = publish

    def __repr__(self) -> str:
        return f"TopicChannel(name={self.name!r}, topic={self.topic!r})"

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult:
        """Publish the alert JSON keyed by incident; `ref` is "topic:alert id" on success."""
        try:
            await self.publish(self.topic, alert.incident_key.encode(), alert.model_dump_json().encode())
        except Exception as exc:  # noqa: BLE001 - any client error is classified, never raised
            return classify_kafka_error(exc)
        return DeliveryResult.success(f"published to {self.topic}", ref=f"{self.topic}:{alert.alert_id}")
