"""streams/seek_fix.py: after a rebalance, every stream partition is positioned where its
records will be read again: its committed offset (0 included), else the reset position."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from kafka import TopicPartition

from streams.seek_fix import fenced, install, seek_to_committed_or_reset

REPORTS_0, REPORTS_1, ALERTS_0 = (TopicPartition("t.reports", 0), TopicPartition("t.reports", 1),
                                  TopicPartition("t.alerts", 0))
CHANGELOG_0, CHANGELOG_1 = TopicPartition("app-incidents-changelog", 0), TopicPartition("app-incidents-changelog", 1)


class RecordingConsumer:
    """Answers `committed()` from a table and records every seek (aiokafka's calls)."""

    def __init__(self, committed: dict):
        self.table = committed
        self.seeks: list[tuple] = []

    def assignment(self):
        return set(self.table)

    async def committed(self, tp):
        return self.table[tp]

    def seek(self, tp, offset):
        self.seeks.append(("seek", tp, offset))

    async def seek_to_beginning(self, *tps):
        self.seeks.append(("beginning", *sorted(tps)))

    async def seek_to_end(self, *tps):
        self.seeks.append(("end", *sorted(tps)))


def _run(committed: dict, reset: str = "earliest") -> tuple[dict, list]:
    consumer = RecordingConsumer(committed)
    result = asyncio.run(seek_to_committed_or_reset(consumer, frozenset({"app-incidents-changelog"}), reset))
    return result, sorted(consumer.seeks, key=str)


def test_stream_partitions_seek_to_their_committed_offset_including_zero():
    result, seeks = _run({REPORTS_0: 52, REPORTS_1: 0, ALERTS_0: 7})
    assert seeks == sorted([("seek", REPORTS_0, 52), ("seek", REPORTS_1, 0), ("seek", ALERTS_0, 7)], key=str)
    assert result == {REPORTS_0: 52, REPORTS_1: 0, ALERTS_0: 7}


def test_stream_partitions_with_nothing_committed_go_back_to_where_a_new_consumer_starts():
    result, seeks = _run({REPORTS_0: None, REPORTS_1: None, ALERTS_0: 3})
    assert seeks == sorted([("beginning", REPORTS_0, REPORTS_1), ("seek", ALERTS_0, 3)], key=str)
    assert result[REPORTS_0] is None
    _, seeks = _run({REPORTS_0: None}, reset="latest")
    assert seeks == [("end", REPORTS_0)]


def test_changelog_partitions_are_left_to_faust_as_before():
    _, seeks = _run({CHANGELOG_0: None, CHANGELOG_1: 0, REPORTS_0: 5})
    assert seeks == [("seek", REPORTS_0, 5)]
    _, seeks = _run({CHANGELOG_0: 9})
    assert seeks == [("seek", CHANGELOG_0, 9)]


# The fence: records a seek brings back are handed on again, and no gap is booked. -------

class FakeConsumer:
    """What the patched faust methods touch: read offsets, the tables' changelog topics."""

    def __init__(self, committed: dict):
        self._read_offset: dict = {}
        self.app = SimpleNamespace(tables=SimpleNamespace(changelog_topics={"app-incidents-changelog"}))
        self.committed = committed


async def faust_perform_seek(consumer) -> None:
    """faust's perform_seek in small: read offsets go to the committed offsets (None: none)."""
    consumer._read_offset.update(consumer.committed)


def run_drain(fetches, committed: dict, fence: bool = True, in_callback: bool = False) -> tuple[list, list]:
    """faust's fetch loop in small (consumer.py `_drain_messages`): a record at or above its
    partition's read offset is handed on, and a jump of more than one past a known read offset
    is booked as a gap (faust counts a gap as done when it commits). Each fetch is
    (records, seek_before, seek_after): the seek runs while the fetch still waits for records,
    or once the given record has been handed on (`in_callback`: while it is being handed on,
    before the loop moves the read offset to it)."""
    consumer, handed, gaps = FakeConsumer(committed), [], []
    plan = iter(fetches)

    async def getmany(self, timeout):
        records, seek_before, _ = current
        if seek_before:
            await seek(self)
        for record in records:
            yield record

    getmany_, seek = (fenced(getmany, faust_perform_seek) if fence else (getmany, faust_perform_seek))

    async def drain():
        nonlocal current
        for current in plan:
            async for tp, offset in getmany_(consumer, 1.0):
                read = consumer._read_offset.get(tp)
                if read is None or offset >= read:
                    if offset - (read or 0) > 1 and read:
                        gaps.append((tp, read + 1, offset))
                    handed.append((tp, offset))
                    if in_callback and (tp, offset) == current[2]:
                        await seek(consumer)
                    consumer._read_offset[tp] = offset
                if not in_callback and (tp, offset) == current[2]:
                    await seek(consumer)

    current = None
    asyncio.run(drain())
    return handed, gaps


def _r(*offsets):
    return [(REPORTS_0, n) for n in offsets]


@pytest.mark.parametrize("fence, handed", [
    (True, _r(*range(8)) + _r(*range(20))),
    # faust alone: 8-15 handed on after the seek (then cleared from the queues by the resumed
    # flow) leave the read offset at 15, so the next fetch drops 0-14: 8-14 are lost.
    (False, _r(*range(16)) + _r(*range(15, 20))),
], ids=["fenced", "faust-alone"])
def test_nothing_committed_a_fetch_in_hand_at_the_seek_loses_nothing(fence, handed):
    # The crash test's case: 0-15 in hand, recovery's seek (nothing committed) after 7.
    got, gaps = run_drain([(_r(*range(16)), False, (REPORTS_0, 7)), (_r(*range(20)), False, None)],
                          {REPORTS_0: None}, fence=fence)
    assert got == handed
    assert gaps == []


@pytest.mark.parametrize("fence, gaps", [
    (True, []),
    # faust alone: record 12, handed on after the seek put the read offset back to 8, is booked
    # as a jump: 9-12 would count as done at the next commit.
    (False, [(REPORTS_0, 9, 12)]),
], ids=["fenced", "faust-alone"])
def test_committed_a_fetch_in_hand_at_the_seek_reads_again_from_the_commit(fence, gaps):
    got, booked = run_drain([(_r(*range(8, 24)), False, (REPORTS_0, 11)), (_r(*range(8, 30)), False, None)],
                            {REPORTS_0: 8}, fence=fence)
    assert booked == gaps
    if fence:
        assert got == _r(*range(8, 12)) + _r(*range(8, 30))


@pytest.mark.parametrize("committed, first", [(None, 0), (8, 8)])
def test_the_record_being_handed_on_at_the_seek_does_not_hide_the_ones_before_it(committed, first):
    # The seek lands while record 11 is being handed on: the loop then moves the read offset
    # to 11, above what the seek set; put back, the next fetch hands on 8-10 again too.
    got, gaps = run_drain([(_r(*range(8, 24)), False, (REPORTS_0, 11)), (_r(*range(first, 30)), False, None)],
                          {REPORTS_0: committed}, in_callback=True)
    assert got == _r(*range(8, 12)) + _r(*range(first, 30))
    assert gaps == []


def test_a_fetch_still_waiting_at_the_seek_is_left_alone_and_books_no_gap():
    # A rebalance: the next fetch waits for the flow; the seek (committed 8) runs meanwhile and
    # that fetch returns 8-15 from the sought position. Putting 8 back after it would make 16
    # look like a jump and book 9-16 as a gap that faust would commit past.
    handed, gaps = run_drain([(_r(*range(8, 16)), True, None), (_r(*range(16, 20)), False, None)], {REPORTS_0: 8})
    assert handed == _r(*range(8, 20))
    assert gaps == []


def test_without_a_seek_fetches_follow_each_other_untouched():
    handed, gaps = run_drain([(_r(0, 1), False, None), (_r(2, 3), False, None)], {})
    assert handed == _r(0, 1, 2, 3) and gaps == []


def test_the_fence_is_installed_on_fausts_consumer():
    from faust.transport.consumer import Consumer

    install()
    assert hasattr(Consumer.getmany, "__wrapped__") and hasattr(Consumer.perform_seek, "__wrapped__")
    install()  # once per process: not wrapped twice
    assert not hasattr(Consumer.getmany.__wrapped__, "__wrapped__")
