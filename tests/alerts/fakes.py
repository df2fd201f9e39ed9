"""Recording fakes for delivery tests: a scripted channel and a sleep that only records."""

from __future__ import annotations

from collections.abc import Iterable

from alerts.channels.base import DeliveryResult
from alerts.model import Alert

OK = DeliveryResult.success("ok", ref="ref-1")


class ScriptedChannel:
    """Returns the scripted results in order (the last one repeats) and records each alert."""

    def __init__(self, name: str, results: Iterable[DeliveryResult] = (OK,)) -> None:
        self.name = name
        self.results = list(results) or [OK]
        self.sent: list[Alert] = []

    async def send(self, alert: Alert) -> DeliveryResult:
        self.sent.append(alert)
        return self.results[min(len(self.sent), len(self.results)) - 1]


class RaisingChannel:
    """A buggy channel that breaks the never-raise contract."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def send(self, alert: Alert) -> DeliveryResult:
        raise RuntimeError("boom")


class RecordingSleep:
    """Stands in for asyncio.sleep: records the requested delays and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def no_jitter() -> float:
    """rng for RetryPolicy that makes the jitter factor exactly 1."""
    return 0.5


class GroupingChannel(ScriptedChannel):
    """A ScriptedChannel that also sends groups (alerts/noise/group.py), from the same script."""

    def __init__(self, name: str, results: Iterable[DeliveryResult] = (OK,)) -> None:
        super().__init__(name, results)
        self.groups: list = []

    async def send_group(self, group) -> DeliveryResult:
        self.groups.append(group)
        self.sent.append(group.members[0].alert)  # one attempt, counted with the single sends
        return self.results[min(len(self.sent), len(self.results)) - 1]
