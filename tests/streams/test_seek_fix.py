"""streams/seek_fix.py: after a rebalance, every stream partition is positioned where its
records will be read again: its committed offset (0 included), else the reset position."""

from __future__ import annotations

import asyncio

import pytest

from kafka import TopicPartition

from streams.seek_fix import SeekFence, seek_to_committed_or_reset

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


# SeekFence: after a seek, the next fetch starts from the read offsets the seek set.

def _drain(fence: SeekFence, fetches, read_offset: dict, seek_after=None) -> list:
    """faust's fetch loop in small: before each fetch the fence restores; each record at or
    above its partition's read offset is handed on and moves it. `seek_after` (a record of the
    first fetch) is where faust's perform_seek runs: nothing committed, so the read offset goes back to None."""
    handed = []
    for n, fetch in enumerate(fetches):
        fence.restore(read_offset)
        for tp, offset in fetch:
            if read_offset.get(tp) is None or offset >= read_offset[tp]:
                handed.append((tp, offset))
                read_offset[tp] = offset
            if n == 0 and (tp, offset) == seek_after:
                read_offset[tp] = None
                fence.sought({tp: None})
    return handed


@pytest.mark.parametrize("fence, expected", [
    # A fetch under way hands on 8-15 after the seek (faust then clears them from the queues);
    # the seek's read offset is back before the next fetch, which reads 0-19 again: nothing lost.
    (SeekFence(), [("r0", n) for n in range(16)] + [("r0", n) for n in range(20)]),
    # Without the fence the stale records' read offset makes the next fetch drop 0-14.
    (None, [("r0", n) for n in range(16)] + [("r0", n) for n in range(15, 20)]),
], ids=["fenced", "faust-alone"])
def test_records_a_seek_brings_back_are_handed_on_again(fence, expected):
    stale, again = [("r0", n) for n in range(16)], [("r0", n) for n in range(20)]
    handed = _drain(fence or _NoFence(), [stale, again], {}, seek_after=("r0", 7))
    assert handed == expected


class _NoFence(SeekFence):
    def restore(self, read_offset) -> None:
        pass


def test_without_a_seek_fetches_follow_each_other_untouched():
    read_offset = {}
    handed = _drain(SeekFence(), [[("r0", 0), ("r1", 0)], [("r0", 1), ("r1", 1)], [("r0", 1)]], read_offset)
    assert handed == [("r0", 0), ("r1", 0), ("r0", 1), ("r1", 1), ("r0", 1)]
    assert read_offset == {"r0": 1, "r1": 1}


def test_the_seek_is_restored_once_and_only_for_its_partitions():
    fence, read_offset = SeekFence(), {"r0": 15, "r1": 4}
    fence.sought({"r0": 8})
    read_offset["r0"] = 15  # a stale record handed on after the seek moved it again
    fence.restore(read_offset)
    assert read_offset == {"r0": 8, "r1": 4}
    read_offset["r0"] = 12
    fence.restore(read_offset)
    assert read_offset == {"r0": 12, "r1": 4}
