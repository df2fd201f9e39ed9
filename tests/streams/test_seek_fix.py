"""streams/seek_fix.py: after a rebalance, every stream partition is positioned where its
records will be read again: its committed offset (0 included), else the reset position."""

from __future__ import annotations

import asyncio

from kafka import TopicPartition

from streams.seek_fix import seek_to_committed_or_reset

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
