"""What every channel returns and promises.

A channel sends one alert once and classifies the outcome itself: `ok`, `retryable` (try again
later, maybe after `retry_after` seconds) or `permanent` (retrying cannot help: bad token,
unknown channel, refused recipient). Channels never raise for delivery failures and never
sleep; retrying is the retry stage's job (alerts/deliver/retry.py).

`send(alert, notice)` takes an optional `Notice` (alerts/incidents.py): for an update of an
incident the channel threads the message under the incident's first one for this receiver
(`notice.thread_ref(channel.name)`). `send(alert)` alone sends a standalone message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from alerts.model import Alert

if TYPE_CHECKING:
    from alerts.incidents import Notice

Status = Literal["ok", "retryable", "permanent"]


@dataclass(frozen=True)
class DeliveryResult:
    """Outcome of one send attempt (or of a whole retry sequence)."""

    status: Status
    detail: str = ""
    retry_after: float | None = None
    ref: str | None = None  # the receiver's id for what was sent: Slack ts, Message-ID, file path

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @classmethod
    def success(cls, detail: str = "", ref: str | None = None) -> DeliveryResult:
        return cls("ok", detail, None, ref)

    @classmethod
    def retryable(cls, detail: str, retry_after: float | None = None) -> DeliveryResult:
        return cls("retryable", detail, retry_after, None)

    @classmethod
    def permanent(cls, detail: str) -> DeliveryResult:
        return cls("permanent", detail, None, None)


@runtime_checkable
class Channel(Protocol):
    """A destination for alerts; `send` classifies its own failures and does not raise."""

    name: str

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult: ...
