"""alerts/deliver/group.py: a due group sent once per receiver, recorded in the ledger for
the group and each member, and every member handed on for its incident."""

from __future__ import annotations

import asyncio
import json

from alerts.channels.base import DeliveryResult
from alerts.deliver.group import release
from alerts.deliver.ledger import MemoryLedger
from alerts.deliver.retry import RetryPolicy
from alerts.noise.group import GroupBook, join
from alerts.render.group import INCIDENTS_MAX, render_group_slack
from tests.alerts.fakes import GroupingChannel, RecordingSleep, ScriptedChannel, no_jitter
from tests.alerts.noise.test_group import NOW, member, killing

SLACK, MAIL = "slack:syria-watch", "email:duty-officers"
QUICK = RetryPolicy(max_attempts=3, base=0.5)


def burst(count: int, receivers=(SLACK, MAIL)):
    book = GroupBook()
    for n in range(1, count + 1):
        book, _ = join(book, member(killing(n, receivers=receivers)), NOW)
    return book.groups[0]


def run(group, channels, ledger):
    return asyncio.run(release(group, channels, ledger, QUICK, sleep=RecordingSleep(), rng=no_jitter))


def test_a_burst_is_one_message_per_grouping_receiver_and_every_member_is_handed_on():
    group, ledger = burst(3), MemoryLedger()
    slack = GroupingChannel(SLACK, [DeliveryResult.success("ok", ref="1700.1")])
    mail = ScriptedChannel(MAIL)  # cannot group: its members go alone from the retry queue
    results, handed = run(group, {SLACK: slack, MAIL: mail}, ledger)
    assert [len(g.members) for g in slack.groups] == [3] and mail.sent == []
    assert results == [(SLACK, DeliveryResult.success("ok", ref="1700.1"))]
    assert [(n.alert.event.report_id, r) for n, r in handed] == [
        ("r1", SLACK), ("r2", SLACK), ("r3", SLACK), ("r1", MAIL), ("r2", MAIL), ("r3", MAIL)]
    for notice in group.members:
        assert ledger.get(notice.alert.alert_id, SLACK).ref == "1700.1"
        assert ledger.get(notice.alert.alert_id, MAIL) is None
    assert ledger.delivered(group.group_id, SLACK)


def test_released_again_after_a_crash_it_is_not_sent_twice():
    group, ledger = burst(2, (SLACK,)), MemoryLedger()
    slack = GroupingChannel(SLACK, [DeliveryResult.success("ok", ref="1700.1")])
    run(group, {SLACK: slack}, ledger)
    # The crash came after the group's record but before its members': they are recorded now.
    ledger.entries.pop((group.members[1].alert.alert_id, SLACK))
    results, handed = run(group, {SLACK: slack}, ledger)
    assert len(slack.groups) == 1 and len(handed) == 2
    assert ledger.get(group.members[1].alert.alert_id, SLACK).ref == "1700.1"


def test_a_failed_group_leaves_its_members_to_go_alone():
    group, ledger = burst(2, (SLACK,)), MemoryLedger()
    slack = GroupingChannel(SLACK, [DeliveryResult.retryable("slack: service_unavailable (HTTP 503)")])
    results, handed = run(group, {SLACK: slack}, ledger)
    assert len(slack.groups) == QUICK.max_attempts
    assert results[0][1].status == "retryable" and len(handed) == 2
    assert not any(ledger.delivered(n.alert.alert_id, SLACK) for n in group.members)


def test_a_group_too_large_for_one_message_goes_as_several_each_listing_every_member():
    # One Slack message lists at most INCIDENTS_MAX incidents in full; the rest would only be
    # counted ("… and N more"), yet recorded as delivered: their details would never arrive.
    count = INCIDENTS_MAX + 1
    group, ledger = burst(count, (SLACK,)), MemoryLedger()
    slack = GroupingChannel(SLACK, [DeliveryResult.success("ok", ref="1700.1"),
                                    DeliveryResult.success("ok", ref="1700.2")])
    results, handed = run(group, {SLACK: slack}, ledger)
    assert [len(g.members) for g in slack.groups] == [24, 23] and len(handed) == count
    assert [r.ref for _, r in results] == ["1700.1", "1700.2"]
    for part, ts in zip(slack.groups, ("1700.1", "1700.2")):
        assert "more incidents" not in json.dumps(render_group_slack(part).blocks)
        assert all(ledger.get(n.alert.alert_id, SLACK).ref == ts for n in part.members)
        assert ledger.delivered(part.group_id, SLACK)
    # Replayed after a crash: nothing is sent again.
    run(group, {SLACK: slack}, ledger)
    assert len(slack.groups) == 2


def test_a_channel_that_raises_on_a_group_fails_it_and_its_members_go_alone():
    class Raising(GroupingChannel):
        async def send_group(self, group):
            raise RuntimeError("bug in the channel")

    group, ledger = burst(2, (SLACK,)), MemoryLedger()
    results, handed = run(group, {SLACK: Raising(SLACK)}, ledger)
    assert results == [(SLACK, DeliveryResult.permanent("channel raised RuntimeError: bug in the channel"))]
    assert ledger.get(group.group_id, SLACK).status == "permanent" and len(handed) == 2
    assert not any(ledger.delivered(n.alert.alert_id, SLACK) for n in group.members)
