"""alerts/deliver/send.py and ledger.py: idempotent, per-receiver delivery."""

from __future__ import annotations

import asyncio

import pytest

from alerts.channels.base import DeliveryResult
from alerts.channels.registry import ChannelRegistry
from alerts.deliver.ledger import MemoryLedger, SqliteLedger
from alerts.deliver.retry import RetryPolicy
from alerts.deliver.send import ALREADY_DELIVERED, NO_CHANNEL, deliver
from tests import factories as f
from tests.alerts.fakes import OK, RaisingChannel, RecordingSleep, ScriptedChannel, no_jitter

SLACK, EMAIL = "slack:syria-watch", "email:duty-officers"
PERMANENT = DeliveryResult.permanent("slack: channel_not_found (HTTP 200)")


@pytest.fixture(params=["memory", "sqlite"])
def ledger(request, tmp_path):
    if request.param == "memory":
        yield MemoryLedger()
    else:
        with SqliteLedger(tmp_path / "var" / "ledger.sqlite3") as db:
            yield db


def run(alert, channels, ledger, sleep=None):
    return asyncio.run(deliver(alert, channels, ledger, RetryPolicy(base=0.5),
                               sleep=sleep or RecordingSleep(), rng=no_jitter))


def test_second_delivery_is_a_no_op(ledger) -> None:
    slack, email = ScriptedChannel(SLACK), ScriptedChannel(EMAIL)
    channels = {SLACK: slack, EMAIL: email}
    alert = f.seed_alert()
    first = run(alert, channels, ledger)
    assert [(r, res.status) for r, res in first] == [(SLACK, "ok"), (EMAIL, "ok")]
    second = run(alert, channels, ledger)
    assert len(slack.sent) == 1 and len(email.sent) == 1
    assert [res.detail for _, res in second] == [ALREADY_DELIVERED] * 2
    assert second[0][1].ref == "ref-1"


def test_permanent_failure_does_not_mark_other_receiver(ledger) -> None:
    slack, email = ScriptedChannel(SLACK, [PERMANENT]), ScriptedChannel(EMAIL)
    channels = ChannelRegistry({SLACK: slack, EMAIL: email})
    alert = f.seed_alert()
    results = dict(run(alert, channels, ledger))
    assert results[SLACK].status == "permanent" and results[EMAIL].status == "ok"
    assert not ledger.delivered(alert.alert_id, SLACK)
    assert ledger.delivered(alert.alert_id, EMAIL)
    assert ledger.get(alert.alert_id, SLACK).status == "permanent"
    # A replay (e.g. after fixing the Slack channel) retries Slack only.
    slack.results = [OK]
    run(alert, channels, ledger)
    assert len(slack.sent) == 2 and len(email.sent) == 1
    assert ledger.delivered(alert.alert_id, SLACK)


def test_retry_inside_deliver_sleeps_only_for_failing_receiver(ledger) -> None:
    slack = ScriptedChannel(SLACK, [DeliveryResult.retryable("429", 2.0), OK])
    email = ScriptedChannel(EMAIL)
    sleep = RecordingSleep()
    results = dict(run(f.seed_alert(), {SLACK: slack, EMAIL: email}, ledger, sleep))
    assert results[SLACK].ok and results[EMAIL].ok
    assert sleep.calls == [2.0] and len(slack.sent) == 2 and len(email.sent) == 1


def test_receiver_without_channel_is_reported_not_recorded(ledger) -> None:
    email = ScriptedChannel(EMAIL)
    alert = f.seed_alert()
    results = dict(run(alert, {EMAIL: email}, ledger))
    assert results[SLACK] == DeliveryResult.permanent(NO_CHANNEL)
    assert ledger.get(alert.alert_id, SLACK) is None
    assert results[EMAIL].ok


def test_raising_channel_is_contained(ledger) -> None:
    email = ScriptedChannel(EMAIL)
    alert = f.seed_alert()
    results = dict(run(alert, {SLACK: RaisingChannel(SLACK), EMAIL: email}, ledger))
    assert results[SLACK].status == "permanent" and "RuntimeError" in results[SLACK].detail
    assert results[EMAIL].ok and ledger.delivered(alert.alert_id, EMAIL)


def test_results_follow_receiver_order_and_dedupe(ledger) -> None:
    alert = f.seed_alert(receivers=(EMAIL, SLACK, EMAIL))
    slack, email = ScriptedChannel(SLACK), ScriptedChannel(EMAIL)
    results = run(alert, {SLACK: slack, EMAIL: email}, ledger)
    assert [r for r, _ in results] == [EMAIL, SLACK] and len(email.sent) == 1


def test_ok_is_never_downgraded(ledger) -> None:
    ledger.record("al-1", SLACK, OK)
    ledger.record("al-1", SLACK, PERMANENT)
    assert ledger.delivered("al-1", SLACK)
    assert ledger.get("al-1", SLACK) == DeliveryResult("ok", OK.detail, None, OK.ref)


def test_sqlite_ledger_persists_in_wal_mode(tmp_path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with SqliteLedger(path, clock=lambda: 1000.0) as db:
        assert db.journal_mode() == "wal"
        db.record("al-1", SLACK, DeliveryResult.retryable("timeout"))
        db.record("al-1", SLACK, OK)
        db.record("al-1", EMAIL, PERMANENT)
        assert db.attempts("al-1", SLACK) == 2
    with SqliteLedger(path) as db:
        assert db.delivered("al-1", SLACK) and not db.delivered("al-1", EMAIL)
        assert not db.delivered("al-2", SLACK)
        assert db.get("al-1", SLACK).ref == "ref-1"
