"""JSON Schemas of the payloads downstream consumers read and write: report, event, alert.

Generated from the pydantic models (the single source of truth) and committed under
docs/schemas/ so consumers can fetch them without Python; tests/streams/test_schemas.py fails
when the committed files drift from the models.

Each schema carries `$schema` (draft 2020-12), an `$id` that names the major version,
`title`, `description` and `schema_version` (the `SCHEMA_VERSION` payloads carry).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "urn:watchfloor:schema"
DEFAULT_DIR = Path("docs/schemas")


def _models() -> dict[str, tuple[type[BaseModel], str, str]]:
    """name -> (model, JSON Schema mode, description). Imported lazily: rules and alerts are pure."""
    from alerts.model import Alert
    from extraction.report import Report
    from rules.event import Event

    return {
        "report": (Report, "validation", "A news report as ingested: the reports topic, `watchfloor ingest`, POST /reports."),
        "event": (Event, "serialization", "One event extracted from one report: the events topic, `watchfloor extract`."),
        "alert": (Alert, "serialization", "A rule fired on an event: the alerts topic."),
    }


def schema_version() -> str:
    from rules.event import SCHEMA_VERSION

    return SCHEMA_VERSION


def build(name: str) -> dict[str, Any]:
    """The JSON Schema of one payload (`report`, `event` or `alert`)."""
    model, mode, description = _models()[name]
    version = schema_version()
    major = version.split(".")[0]
    generated = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
    head = {
        "$schema": DIALECT,
        "$id": f"{ID_BASE}:{name}:v{major}",
        "title": f"watchfloor {name}",
        "description": description,
        "schema_version": version,
    }
    generated.pop("title", None)
    generated.pop("description", None)
    return {**head, **generated}


def names() -> list[str]:
    return list(_models())


def render(schema: dict[str, Any]) -> str:
    """Stable text: the same models always give the same bytes (reviewable diffs)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def filename(name: str) -> str:
    return f"{name}.schema.json"


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names():
        path = directory / filename(name)
        path.write_text(render(build(name)), encoding="utf-8")
        written.append(path)
    return written


def stale(directory: Path, read: Callable[[Path], str | None] | None = None) -> list[str]:
    """File names under `directory` that are missing or differ from what the models give."""
    def _read(path: Path) -> str | None:
        return path.read_text(encoding="utf-8") if path.exists() else None

    read = read or _read
    return [filename(name) for name in names() if read(directory / filename(name)) != render(build(name))]
