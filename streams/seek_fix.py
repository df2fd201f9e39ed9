"""A fix for faust + aiokafka: records fetched during recovery were skipped when nothing was committed.

faust starts its fetcher while a rebalance's recovery is still running; records fetched then
are dropped (their partitions are paused, or the flow is suspended), and faust relies on
`seek_to_committed()` afterwards to read them again. aiokafka's `seek_to_committed` only seeks
when a partition's committed offset is above 0, so where the group had committed nothing yet
(a worker killed before its first commit, a new deployment, a quiet partition) or exactly 0,
the position stayed after the dropped records: the restarted worker said "ready" and never
processed them (tests/streams/test_faults.py, the worker killed three times, caught it).

`install()` replaces the consumer thread's `seek_to_committed` with one that, for the stream
topics (not the tables' changelogs, which faust positions itself), seeks to the committed
offset including 0, and where there is none, resets the partition as `consumer_auto_offset_reset`
says (earliest here), exactly where a fresh consumer starts.
"""

from __future__ import annotations

from collections.abc import Mapping

_installed = False


async def seek_to_committed_or_reset(consumer, changelogs: frozenset[str], reset: str) -> Mapping:
    """Seek each assigned partition to its committed offset; one with none to `reset`."""
    committed = {}
    unset = []
    for tp in consumer.assignment():
        offset = await consumer.committed(tp)
        committed[tp] = offset
        if tp.topic in changelogs:
            if offset and offset > 0:  # what aiokafka does; faust's recovery owns these
                consumer.seek(tp, offset)
        elif offset is None:
            unset.append(tp)
        else:
            consumer.seek(tp, offset)
    if unset:
        await (consumer.seek_to_end(*unset) if reset == "latest" else consumer.seek_to_beginning(*unset))
    return committed


def install() -> None:
    """Patch faust's aiokafka consumer thread (once per process)."""
    global _installed
    if _installed:
        return
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    async def seek_to_committed(self) -> Mapping:
        changelogs = frozenset(self.app.tables.changelog_topics)
        reset = self.app.conf.consumer_auto_offset_reset
        return await self.call_thread(seek_to_committed_or_reset, self._ensure_consumer(), changelogs, reset)

    AIOKafkaConsumerThread.seek_to_committed = seek_to_committed
    _installed = True
