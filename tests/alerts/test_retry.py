"""alerts/deliver/retry.py: backoff, Retry-After, stop conditions — with a recording sleep."""

from __future__ import annotations

import asyncio

import pytest

from alerts.channels.base import DeliveryResult
from alerts.deliver.retry import RetryPolicy, send_with_retry
from tests import factories as f
from tests.alerts.fakes import OK, RecordingSleep, ScriptedChannel, no_jitter

R = DeliveryResult.retryable
P = DeliveryResult.permanent("slack: invalid_auth (HTTP 200)")

CASES = [
    # id, scripted results, policy, expected sleeps, expected sends, final status
    ("ok-first", [OK], RetryPolicy(), [], 1, "ok"),
    ("permanent-first", [P], RetryPolicy(), [], 1, "permanent"),
    ("429-then-ok", [R("429", 2.0), OK], RetryPolicy(base=0.5), [2.0], 2, "ok"),
    ("retry-after-below-backoff", [R("429", 0.1), OK], RetryPolicy(base=0.5), [0.5], 2, "ok"),
    ("exponential", [R("500")] * 3 + [OK], RetryPolicy(base=0.5), [0.5, 1.0, 2.0], 4, "ok"),
    ("capped", [R("500")] * 4 + [OK], RetryPolicy(base=1, cap=3), [1.0, 2.0, 3.0, 3.0], 5, "ok"),
    ("retry-after-beyond-cap", [R("429", 90.0), OK], RetryPolicy(cap=60), [90.0], 2, "ok"),
    ("stops-on-permanent", [R("500"), P, OK], RetryPolicy(base=0.5), [0.5], 2, "permanent"),
    ("gives-up", [R("500")], RetryPolicy(max_attempts=4, base=0.5), [0.5, 1.0, 2.0], 4, "retryable"),
    ("single-attempt", [R("500")], RetryPolicy(max_attempts=1), [], 1, "retryable"),
]


@pytest.mark.parametrize(("results", "policy", "sleeps", "sends", "status"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_send_with_retry(results, policy, sleeps, sends, status) -> None:
    channel = ScriptedChannel("slack:x", results)
    sleep = RecordingSleep()
    result = asyncio.run(send_with_retry(channel, f.seed_alert(), policy, sleep=sleep, rng=no_jitter))
    assert sleep.calls == sleeps
    assert len(channel.sent) == sends
    assert result.status == status


def test_gave_up_detail_says_so() -> None:
    channel = ScriptedChannel("s", [R("slack: timeout")])
    result = asyncio.run(send_with_retry(channel, f.seed_alert(), RetryPolicy(max_attempts=2),
                                         sleep=RecordingSleep(), rng=no_jitter))
    assert result.detail == "slack: timeout (gave up after 2 attempts)"


@pytest.mark.parametrize(("rng", "expected"), [(0.0, 0.9), (0.5, 1.0), (1.0, 1.1)],
                         ids=["low", "none", "high"])
def test_jitter_bounds(rng: float, expected: float) -> None:
    policy = RetryPolicy(base=1.0, jitter=0.1)
    assert policy.backoff(1, rng=lambda: rng) == pytest.approx(expected)


def test_jitter_never_exceeds_cap() -> None:
    policy = RetryPolicy(base=10, cap=10, jitter=0.5)
    assert policy.backoff(3, rng=lambda: 1.0) == 10


@pytest.mark.parametrize("kwargs", [dict(max_attempts=0), dict(base=-1), dict(jitter=2)],
                         ids=["no-attempts", "negative-base", "jitter>1"])
def test_invalid_policy(kwargs) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)
