"""Delivery ledger keyed by (alert id, receiver): what was delivered, so resends are no-ops.

Alert ids are stable for (rule, event), so an event redelivered by Kafka yields the same alert
id and `delivered()` answers True. Once a pair is `ok` it stays `ok`: a later failure record
cannot un-deliver it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Protocol

from alerts.channels.base import DeliveryResult

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    alert_id    TEXT NOT NULL,
    receiver    TEXT NOT NULL,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    ref         TEXT,
    attempts    INTEGER NOT NULL,
    updated_at  REAL NOT NULL,
    PRIMARY KEY (alert_id, receiver)
)
"""
_UPSERT = """
INSERT INTO deliveries (alert_id, receiver, status, detail, ref, attempts, updated_at)
VALUES (?, ?, ?, ?, ?, 1, ?)
ON CONFLICT (alert_id, receiver) DO UPDATE SET
    status = excluded.status, detail = excluded.detail, ref = excluded.ref,
    attempts = deliveries.attempts + 1, updated_at = excluded.updated_at
WHERE deliveries.status != 'ok'
"""


class Ledger(Protocol):
    """What deliver() needs from a ledger."""

    def delivered(self, alert_id: str, receiver: str) -> bool: ...

    def record(self, alert_id: str, receiver: str, result: DeliveryResult) -> None: ...

    def get(self, alert_id: str, receiver: str) -> DeliveryResult | None: ...


class MemoryLedger:
    """In-memory ledger with SqliteLedger's behaviour, for tests and one-shot runs."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], DeliveryResult] = {}
        self.records: list[tuple[str, str, DeliveryResult]] = []  # every record() call, in order

    def delivered(self, alert_id: str, receiver: str) -> bool:
        entry = self.entries.get((alert_id, receiver))
        return entry is not None and entry.ok

    def record(self, alert_id: str, receiver: str, result: DeliveryResult) -> None:
        self.records.append((alert_id, receiver, result))
        if not self.delivered(alert_id, receiver):
            self.entries[(alert_id, receiver)] = result

    def get(self, alert_id: str, receiver: str) -> DeliveryResult | None:
        return self.entries.get((alert_id, receiver))


class SqliteLedger:
    """SQLite ledger (WAL mode) for one process; safe across threads of that process."""

    def __init__(self, path: str | PathLike[str], clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # WAL: readers (e.g. an operator running sqlite3 on the file) never block the writer.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(_SCHEMA)

    def delivered(self, alert_id: str, receiver: str) -> bool:
        result = self.get(alert_id, receiver)
        return result is not None and result.ok

    def record(self, alert_id: str, receiver: str, result: DeliveryResult) -> None:
        with self._lock:
            self._db.execute(
                _UPSERT,
                (alert_id, receiver, result.status, result.detail, result.ref, self._clock()),
            )

    def get(self, alert_id: str, receiver: str) -> DeliveryResult | None:
        with self._lock:
            row = self._db.execute(
                "SELECT status, detail, ref FROM deliveries WHERE alert_id = ? AND receiver = ?",
                (alert_id, receiver),
            ).fetchone()
        if row is None:
            return None
        return DeliveryResult(status=row[0], detail=row[1], ref=row[2])

    def attempts(self, alert_id: str, receiver: str) -> int:
        """How many results were recorded for the pair (0 if none)."""
        with self._lock:
            row = self._db.execute(
                "SELECT attempts FROM deliveries WHERE alert_id = ? AND receiver = ?",
                (alert_id, receiver),
            ).fetchone()
        return 0 if row is None else int(row[0])

    def journal_mode(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
