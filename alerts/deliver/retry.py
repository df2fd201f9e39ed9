"""The retry stage: the one place in delivery that sleeps.

Exponential backoff with jitter; a channel's `retry_after` (Slack's Retry-After) is a floor,
never shortened by the backoff. Stops at the first ok or permanent result.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from alerts.channels.base import Channel, DeliveryResult
from alerts.model import Alert

if TYPE_CHECKING:
    from alerts.incidents import Notice

Sleep = Callable[[float], Awaitable[object]]


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` sends in all; waits of base·2^(n-1) seconds, ±jitter, at most `cap`."""

    max_attempts: int = 6
    base: float = 0.5
    cap: float = 60.0
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base < 0 or self.cap < 0 or not 0 <= self.jitter <= 1:
            raise ValueError("base and cap must be >= 0 and jitter within [0, 1]")

    def backoff(self, failures: int, rng: Callable[[], float] = random.random) -> float:
        """Wait after the `failures`-th failed attempt (1-based). rng() = 0.5 means no jitter."""
        delay = min(self.cap, self.base * 2 ** (failures - 1))
        # Jitter spreads retries from many workers so they do not hit the API in lockstep.
        delay *= 1 + self.jitter * (2 * rng() - 1)
        return max(0.0, min(self.cap, delay))

    def wait(self, failures: int, result: DeliveryResult, rng: Callable[[], float] = random.random) -> float:
        """Seconds to sleep before the next attempt: max(retry_after, backoff)."""
        return max(result.retry_after or 0.0, self.backoff(failures, rng))


async def send_with_retry(
    channel: Channel,
    alert: Alert,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Sleep = asyncio.sleep,
    rng: Callable[[], float] = random.random,
    notice: Notice | None = None,
) -> DeliveryResult:
    """Send until ok, permanent, or `policy.max_attempts` sends; return the last result.

    `notice` is passed to `channel.send` when given (channels without incident support keep
    working for plain sends).
    """
    result = DeliveryResult.retryable("not attempted")
    for attempt in range(1, policy.max_attempts + 1):
        result = await (channel.send(alert) if notice is None else channel.send(alert, notice))
        if result.status != "retryable":
            return result
        if attempt < policy.max_attempts:
            await sleep(policy.wait(attempt, result, rng))
    return dataclasses.replace(
        result, detail=f"{result.detail} (gave up after {policy.max_attempts} attempts)"
    )
