"""Every worker's view of the silences: the compacted silences topic, read whole.

A kafka-python consumer with no group (so every worker gets every partition) folds the topic
into the latest record per silence id, in a background thread; `current()` is what the
deliver agent checks each alert against.
"""

from __future__ import annotations

import logging
import threading

from alerts.silences import Silence

log = logging.getLogger(__name__)


class SilenceStore:
    def __init__(self, client_kwargs: dict, topic: str):
        self.client_kwargs = client_kwargs
        self.topic = topic
        self._silences: dict[str, Silence] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.ready = threading.Event()  # set once everything on the topic at start was read
        self._thread = threading.Thread(target=self._run, name="silences", daemon=True)

    def start(self) -> "SilenceStore":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def wait_ready(self, timeout: float) -> bool:
        return self.ready.wait(timeout)

    def current(self) -> list[Silence]:
        with self._lock:
            return list(self._silences.values())

    def _run(self) -> None:
        from kafka import KafkaConsumer

        from kafka import TopicPartition

        consumer = KafkaConsumer(**self.client_kwargs, group_id=None,
                                 auto_offset_reset="earliest", enable_auto_commit=False)
        try:
            partitions = [TopicPartition(self.topic, p) for p in sorted(consumer.partitions_for_topic(self.topic) or {0})]
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            ends = consumer.end_offsets(partitions)
            while not self._stop.is_set():
                if not self.ready.is_set() and all(consumer.position(tp) >= end for tp, end in ends.items()):
                    self.ready.set()
                for records in consumer.poll(timeout_ms=500).values():
                    for record in records:
                        try:
                            silence = Silence.model_validate_json(record.value)
                        except ValueError:
                            log.warning("silences: unreadable record at offset %s ignored", record.offset)
                            continue
                        with self._lock:
                            self._silences[silence.id] = silence
        except Exception:  # noqa: BLE001 - keep delivering; silences are then the last ones read
            log.exception("silences: reader stopped")
        finally:
            consumer.close()
