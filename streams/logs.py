"""Structured logs: one JSON object per line, for log shippers (`--log-format json`).

    log.info("report %s: %d event(s)", key, n, extra={"report_id": key})
    -> {"time": "2026-01-02T03:04:05.678Z", "level": "INFO", "logger": "streams.agents.extract",
        "message": "report r1: 2 event(s)", "report_id": "r1"}
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

# The ids a log line may carry via `extra=`; they become top-level keys so logs can be joined
# with the events and alerts topics.
CONTEXT_KEYS = ("report_id", "event_id", "alert_id", "rule_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """Formats a record as a single-line JSON object (time in UTC, ISO 8601, milliseconds)."""

    def __init__(self, context_keys: tuple[str, ...] = CONTEXT_KEYS):
        super().__init__()
        self.context_keys = context_keys

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, timezone.utc)
        payload: dict[str, Any] = {
            "time": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self.context_keys:
            value = record.__dict__.get(key)
            if value is not None:
                payload[key] = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            payload["exception"] = record.exc_text
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        # default=str: an id passed as a UUID or a Path must not turn the log line into an error.
        return json.dumps(payload, ensure_ascii=False, default=str)


def formatter(fmt: str) -> logging.Formatter:
    """The formatter for a `log_format` setting: "json" or "text"."""
    return JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def configure(fmt: str, level: int) -> None:
    """Root logging to standard error in `fmt`, like `logging.basicConfig`.

    As basicConfig does, it leaves logging alone when someone else (pytest's capture, a host
    application) has already put handlers on the root logger; a handler of ours from an earlier
    call is replaced.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_watchfloor", False)]:
        root.removeHandler(old)
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(fmt))
    handler._watchfloor = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def faust_logging_config(fmt: str) -> dict | None:
    """A dictConfig for faust's worker, which replaces the root handlers when it starts.

    None for "text" (faust's own coloured format); for "json", every record through
    JsonFormatter on standard error. Pass it as `faust.App(..., logging_config=...)`.
    """
    if fmt != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "streams.logs.JsonFormatter"}},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["default"]},
    }
