"""Two fixes for faust + aiokafka: records fetched around a rebalance's recovery were skipped.

1. Nothing committed.

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

2. Records fetched before the seek. faust's fetch loop remembers the highest offset it handed
on per partition (its "read offset") and drops any record below it, so that a record is not
read twice. `perform_seek()` resets that to the committed offset, but a fetch that began
before the seek could still be handing on its records afterwards: their partitions' queues
are cleared when the flow resumes, yet the read offset they left behind made the fetch loop
drop the same records when the seek brought them back. A worker restarted with a backlog lost
a batch per partition this way and, with the hole in its acknowledgements, never committed
again (tests/streams/test_faults.py, with a debug log, showed offsets 8-15 of both report
partitions skipped). `SeekFence` applies Kafka's own rule to faust's fetch loop: a seek makes
what was fetched before it stale (aiokafka already discards such fetches; faust had the records
in hand). The rest of that fetch is not handed on, and the read offsets the seek set are put
back before the next fetch. A record may then be read twice; every stage is idempotent for
that (docs/reliability.md).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, MutableMapping

log = logging.getLogger(__name__)

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


class SeekFence:
    """A seek that comes while a fetch has records in hand makes the rest of that fetch stale:
    it is not handed on, and the read offsets the seek set are put back before the next fetch
    (the record being handed on at the seek may have moved them).

    Only then: a fetch that is still waiting for records when the seek runs returns records
    from the sought position, and its read offsets are right. Putting the seek's offsets back
    after such a fetch would make the next record look like a jump, which faust books as a gap
    in the partition and commits past (records never handed on would count as done); handing
    on stale records after the seek would book such a jump too.
    """

    def __init__(self) -> None:
        self.in_hand = False  # a fetch is handing on records it got before now
        self._stale = False
        self._sought: dict = {}

    def sought(self, read_offsets: Mapping) -> None:
        """A seek set these read offsets."""
        if self.in_hand:
            self._stale = True
            self._sought = dict(read_offsets)

    def restore(self, read_offset: MutableMapping) -> None:
        """Before a new fetch: the read offsets are the seek's again."""
        if self._sought:
            log.debug("read offsets after the seek restored: %s", self._sought)
            read_offset.update(self._sought)
            self._sought = {}

    async def tracked(self, records: AsyncIterator) -> AsyncIterator:
        """One fetch's records, `in_hand` from its first record to its end, cut at a seek."""
        self._stale = False
        try:
            async for record in records:
                if self._stale:
                    break  # fetched before the seek: the next fetch reads it again
                self.in_hand = True
                yield record
        finally:
            self.in_hand = False


def fenced(getmany: Callable, perform_seek: Callable) -> tuple[Callable, Callable]:
    """faust's `Consumer.getmany` and `Consumer.perform_seek`, with a `SeekFence` per consumer."""

    def fence(consumer) -> SeekFence:
        if not hasattr(consumer, "_watchfloor_fence"):
            consumer._watchfloor_fence = SeekFence()
        return consumer._watchfloor_fence

    async def fenced_getmany(self, timeout: float) -> AsyncIterator:
        fence(self).restore(self._read_offset)
        async for record in fence(self).tracked(getmany(self, timeout)):
            yield record

    async def fenced_perform_seek(self) -> None:
        await perform_seek(self)
        changelogs = frozenset(self.app.tables.changelog_topics)  # faust's recovery owns these
        fence(self).sought({tp: offset for tp, offset in self._read_offset.items() if tp.topic not in changelogs})

    fenced_getmany.__wrapped__ = getmany
    fenced_perform_seek.__wrapped__ = perform_seek
    return fenced_getmany, fenced_perform_seek


def install() -> None:
    """Patch faust's consumer and its aiokafka thread (once per process)."""
    global _installed
    if _installed:
        return
    from faust.transport.consumer import Consumer
    from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

    async def seek_to_committed(self) -> Mapping:
        changelogs = frozenset(self.app.tables.changelog_topics)
        reset = self.app.conf.consumer_auto_offset_reset
        return await self.call_thread(seek_to_committed_or_reset, self._ensure_consumer(), changelogs, reset)

    AIOKafkaConsumerThread.seek_to_committed = seek_to_committed

    Consumer.getmany, Consumer.perform_seek = fenced(Consumer.getmany, Consumer.perform_seek)
    _installed = True
