"""Wire formats: JSON bytes for events, alerts and dead letters (kept out of the agents)."""

from __future__ import annotations

import base64
import json
import traceback
from datetime import datetime, timezone

from pydantic import BaseModel

from alerts.model import SCHEMA_VERSION


def to_bytes(model: BaseModel) -> bytes:
    return model.model_dump_json(exclude_none=False).encode("utf-8")


def dead_letter(
    stage: str, reason: str, exc: BaseException | None, topic: str, partition: int | None,
    offset: int | None, key: bytes | None, value: bytes | None,
) -> bytes:
    """A DLQ record: why, where from (topic, partition, offset), and the original bytes.

    The value is kept as text when it is UTF-8 and as base64 otherwise, so nothing is lost.
    """
    try:
        original = {"text": value.decode("utf-8")} if value is not None else None
    except UnicodeDecodeError:
        original = {"base64": base64.b64encode(value).decode("ascii")}
    record = {
        "schema_version": SCHEMA_VERSION,
        "stage": stage,
        "reason": reason,
        "error_type": type(exc).__name__ if exc else None,
        "traceback": "".join(traceback.format_exception(exc))[-4000:] if exc and not isinstance(exc, ValueError) else None,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "key": key.decode("utf-8", "replace") if isinstance(key, bytes) else key,
        "value": original,
        "failed_at": datetime.now(timezone.utc).isoformat(),
    }
    return json.dumps(record).encode("utf-8")
