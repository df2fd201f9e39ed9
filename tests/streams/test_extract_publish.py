"""The extract agent's publishing: a batch's events all handed to the producer before any
acknowledgement is awaited; done only once every one is acknowledged; a report whose events
were refused, or whose extraction failed, goes to the dead-letter topic.

Topics are fakes that record each send and hand back a future the test resolves, standing in
for faust's `topic.send` (a coroutine giving the delivery future).
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

from streams.agents.extract import publish
from streams.stages import StageError
from tests import factories as f


class RecordingTopic:
    def __init__(self, name: str, log: list):
        self.name, self.log, self.futures = name, log, []

    def get_topic_name(self) -> str:
        return self.name

    async def send(self, key: bytes, value: bytes) -> asyncio.Future:
        self.log.append(("send", self.name, key))
        future = asyncio.get_running_loop().create_future()
        self.futures.append((key, value, future))
        return future


def report(key: str, offset: int):
    return SimpleNamespace(message=SimpleNamespace(key=key.encode(), value=b'{"id": "%s"}' % key.encode(),
                                                   topic="reports", partition=0, offset=offset))


def events(report_id: str, count: int) -> list:
    return [f.seed_event(event_id=f"{report_id}:{i}", report_id=report_id) for i in range(count)]


async def _run(batch, results, outcome) -> tuple[list, RecordingTopic, RecordingTopic, bool]:
    """Publish, check what was sent while no acknowledgement has come, then acknowledge each
    send with `outcome(key, value)` (None, or an exception for a refused send)."""
    log: list = []
    topics = SimpleNamespace(events=RecordingTopic("events", log), reports_dlq=RecordingTopic("reports.dlq", log))
    task = asyncio.ensure_future(publish(topics, batch, results))
    for _ in range(20):
        await asyncio.sleep(0)
    sent_before_acks = list(log)
    done_early = task.done()
    for topic in (topics.events, topics.reports_dlq):
        for key, value, future in topic.futures:
            error = outcome(key, value)
            future.set_exception(error) if error else future.set_result(None)
    for _ in range(20):  # a refused report's dead letter, then its acknowledgement
        await asyncio.sleep(0)
        for key, value, future in topics.reports_dlq.futures:
            if not future.done():
                future.set_result(None)
    await asyncio.wait_for(task, 5)
    return sent_before_acks, topics.events, topics.reports_dlq, done_early


def test_all_events_are_sent_before_any_acknowledgement_is_awaited():
    batch = [report("r1", 1), report("r2", 2), report("r3", 3)]
    results = [events("r1", 2), StageError("bad json"), events("r3", 3)]
    sent, topic, dlq, done_early = asyncio.run(_run(batch, results, lambda key, value: None))
    assert not done_early  # it waited for the acknowledgements
    assert [(kind, name) for kind, name, _ in sent] == [("send", "events")] * 2 + [("send", "reports.dlq")] + [("send", "events")] * 3
    assert len(topic.futures) == 5
    (key, value, _), = dlq.futures
    assert key == b"r2" and json.loads(value)["reason"] == "bad json" and json.loads(value)["offset"] == 2


def test_a_report_whose_events_are_refused_goes_to_the_dead_letter_topic():
    batch = [report("r1", 1), report("r2", 2)]
    results = [events("r1", 2), events("r2", 1)]
    refuse_r1 = {f.seed_event(event_id="r1:1", report_id="r1").location.admin1_code.encode()}

    def outcome(key, value):
        return RuntimeError("broker said no") if key in refuse_r1 and b'"r1:1"' in value else None

    _, _, dlq, _ = asyncio.run(_run(batch, results, outcome))
    letters = [json.loads(value) for _, value, _ in dlq.futures]
    assert [(x["key"], x["offset"]) for x in letters] == [("r1", 1)]
    assert letters[0]["reason"] == "publishing events failed: broker said no" and letters[0]["error_type"] == "RuntimeError"


def test_a_report_without_events_publishes_nothing_and_waits_for_nothing():
    sent, topic, dlq, done_early = asyncio.run(_run([report("r1", 1)], [[]], lambda key, value: None))
    assert sent == [] and topic.futures == [] and dlq.futures == [] and done_early
