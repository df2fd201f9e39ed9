"""Wire formats: JSON bytes for events, alerts and dead letters (kept out of the agents)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import traceback
from datetime import datetime, timezone

from pydantic import BaseModel

from alerts.model import SCHEMA_VERSION


def to_bytes(model: BaseModel) -> bytes:
    return model.model_dump_json(exclude_none=False).encode("utf-8")


# A dead letter must fit one Kafka message at the broker's default limit (message.max.bytes
# ~1 MB, faust's producer_max_request_size 1 MB), or sending it fails and stops the stage.
MAX_RECORD_BYTES = 900_000
MAX_REASON_CHARS = 4000
MASK = "**********"
# Credentials an error message may quote (a URL with a password, a Slack token, ?token=...).
_SECRETS = [
    (re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+"), "xox?-" + MASK),
    (re.compile(r"(hooks\.slack\.com/services/)[\w/-]+"), r"\1" + MASK),
    (re.compile(r"(\b[a-zA-Z][\w+.-]*://[^\s/:@]*):[^\s@/]+@"), r"\1:" + MASK + "@"),
    (re.compile(r"([?&;](?:token|password|passwd|pass|secret|api_?key|key|sig|signature|auth)=)[^&\s#\"']+", re.I),
     r"\1" + MASK),
]


def scrub(text: str) -> str:
    """`text` with every credential it quotes masked (our own words only: never the original)."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _original(value: bytes | None, limit: int | None = None) -> dict | None:
    """The message value as text (UTF-8) or base64; with `limit`, a prefix that says so."""
    if value is None:
        return None
    try:
        value.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    kept = value if limit is None else value[:limit]
    # A prefix of valid UTF-8 can only end in a cut character, which "ignore" drops.
    out = {"text": kept.decode("utf-8", "ignore")} if utf8 else {"base64": base64.b64encode(kept).decode("ascii")}
    if limit is not None:
        out.update(truncated=True, bytes=len(value), sha256=hashlib.sha256(value).hexdigest())
    return out


def dead_letter(
    stage: str, reason: str, exc: BaseException | None, topic: str, partition: int | None,
    offset: int | None, key: bytes | None, value: bytes | None,
) -> bytes:
    """A DLQ record: why, where from (topic, partition, offset), and the original bytes.

    The value is kept as text when it is UTF-8 and as base64 otherwise, so nothing is lost; a
    value too big for one Kafka message is kept as a prefix marked `truncated` with its size
    and sha256 (the whole stays on the source topic at that offset). Credentials quoted by
    the reason or the error are masked.
    """
    record = {
        "schema_version": SCHEMA_VERSION,
        "stage": stage,
        "reason": scrub(reason[:MAX_REASON_CHARS]),
        "error_type": type(exc).__name__ if exc else None,
        "traceback": scrub("".join(traceback.format_exception(exc))[-4000:]) if exc and not isinstance(exc, ValueError) else None,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "key": (key.decode("utf-8", "replace") if isinstance(key, bytes) else key)[:1000] if key is not None else None,
        "value": _original(value),
        "failed_at": datetime.now(timezone.utc).isoformat(),
    }
    encoded = json.dumps(record).encode("utf-8")
    limit = len(value) if value is not None else 0
    while len(encoded) > MAX_RECORD_BYTES and limit > 0:
        # Shrink the kept prefix by the measured overshoot (JSON escaping can grow text 6x).
        limit = int(limit * (MAX_RECORD_BYTES - 2000) / len(encoded))
        record["value"] = _original(value, limit)
        encoded = json.dumps(record).encode("utf-8")
    return encoded
