"""The report contract and its decoders: JSON objects, JSON Lines and plain text files.

Every way in (Kafka, CLI, files, standard input) validates through `Report`, so a bad report
gets the same clear reason wherever it arrives.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAX_TEXT_CHARS = 200_000


class ReportSource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    url: str | None = None


class Report(BaseModel):
    """A news report as ingested; `id` and `text` are required."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    source: ReportSource = ReportSource()
    url: str | None = None
    title: str | None = None
    published_at: datetime | None = None

    @field_validator("text")
    @classmethod
    def _text_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value

    @field_validator("source", mode="before")
    @classmethod
    def _source_from_string(cls, value: Any) -> Any:
        # Feeds often give the outlet as a bare string; accept it as the source name.
        return {"name": value} if isinstance(value, str) else value

    @field_validator("published_at", mode="before")
    @classmethod
    def _date_or_datetime(cls, value: Any) -> Any:
        # A bare date means the start of that day, in UTC.
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=timezone.utc)
        return value

    @field_validator("published_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class ReportError(ValueError):
    """A report that cannot be accepted, with a reason meant for people."""


MAX_PROBLEMS_SHOWN = 5


def _printable(text: str) -> str:
    """A key as written, but with control characters escaped (a reason is one log line)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _explain(error: ValidationError) -> str:
    # A few problems say what is wrong; thousands (an object with 5000 unknown keys) would
    # only flood the log and the dead-letter record.
    items = error.errors()
    parts = []
    for item in items[:MAX_PROBLEMS_SHOWN]:
        where = _printable(".".join(str(p) for p in item["loc"])[:80]) or "report"
        parts.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    if len(items) > MAX_PROBLEMS_SHOWN:
        parts.append(f"and {len(items) - MAX_PROBLEMS_SHOWN} more problem(s)")
    return "; ".join(parts)


def report_from_obj(obj: Any) -> Report:
    """Validate a decoded JSON value as a report."""
    if not isinstance(obj, dict):
        raise ReportError(f"a report must be a JSON object, got {type(obj).__name__}")
    try:
        return Report.model_validate(obj)
    except ValidationError as exc:
        raise ReportError(_explain(exc)) from None


def report_from_bytes(raw: bytes) -> Report:
    """Decode one report from a Kafka message value (UTF-8 JSON)."""
    if raw is None:
        raise ReportError("empty message (no value)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportError(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    try:
        obj = json.loads(text)
    except RecursionError:
        raise ReportError("invalid JSON: nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError:
        # json.loads turns digits into int, which refuses more than sys.get_int_max_str_digits().
        raise ReportError(f"invalid JSON: a number longer than {sys.get_int_max_str_digits()} digits") from None
    return report_from_obj(obj)


_SOURCE_LINE = re.compile(r"^\s*Source:\s*(?P<name>.+?)\s*$", re.MULTILINE)


def report_from_text_file(path: Path) -> Report:
    """A plain text file is a report whose id is its file name and text its content.

    The first line becomes the title; a closing "Source: NAME" line names the source.
    """
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReportError(f"{path}: not UTF-8: {exc.reason} at byte {exc.start}") from None
    lines = [line for line in content.splitlines() if line.strip()]
    title = lines[0].strip() if lines else None
    match = None
    for match in _SOURCE_LINE.finditer(content):
        pass
    source = {"name": match.group("name")} if match else {}
    try:
        return report_from_obj({"id": path.stem, "text": content, "title": title, "source": source})
    except ReportError as exc:
        raise ReportError(f"{path}: {exc}") from None


def iter_reports_jsonl(lines, origin: str = "-"):
    """Yield (line number, Report or ReportError) for each non-blank JSON line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, report_from_bytes(line.encode("utf-8") if isinstance(line, str) else line)
        except ReportError as exc:
            yield number, ReportError(f"{origin}:{number}: {exc}")
