"""faust tables seen as plain mappings of str -> JSON-safe dict, for the pure engines."""

from __future__ import annotations

import json
from collections.abc import Iterator, MutableMapping
from typing import Any


class JsonTable(MutableMapping[str, dict]):
    """Adapts a faust Table with bytes keys and values (the app's raw serializers).

    Keys and values are encoded explicitly so that what a worker recovers from the changelog
    after a restart is exactly what it wrote.
    """

    def __init__(self, table: Any):
        self.table = table

    def __getitem__(self, key: str) -> dict:
        raw = self.table.get(key.encode())
        if raw is None:
            raise KeyError(key)
        return json.loads(raw)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        raw = self.table.get(key.encode())
        return default if raw is None else json.loads(raw)

    def __setitem__(self, key: str, value: dict) -> None:
        self.table[key.encode()] = json.dumps(value, separators=(",", ":")).encode()

    def __delitem__(self, key: str) -> None:
        del self.table[key.encode()]

    def __iter__(self) -> Iterator[str]:
        return (key.decode() for key in self.table.keys())

    def __len__(self) -> int:
        return len(self.table)
