"""The committed JSON Schemas (docs/schemas) match the models, and describe real payloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams import schemas
from streams.cli import main

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "schemas"
FIX = "run `watchfloor schemas --write docs/schemas` and commit the result"


@pytest.mark.parametrize("name", ["report", "event", "alert"])
def test_committed_schema_is_current(name):
    path = COMMITTED / schemas.filename(name)
    assert path.exists(), f"{path} is missing: {FIX}"
    committed = path.read_text(encoding="utf-8")
    generated = schemas.render(schemas.build(name))
    assert committed == generated, f"docs/schemas/{path.name} is stale (the model changed): {FIX}"


@pytest.mark.parametrize("name", ["report", "event", "alert"])
def test_schema_header(name):
    schema = schemas.build(name)
    assert schema["$schema"] == schemas.DIALECT
    assert schema["$id"] == f"urn:watchfloor:schema:{name}:v{schemas.schema_version().split('.')[0]}"
    assert schema["title"] == f"watchfloor {name}"
    assert schema["schema_version"] == schemas.schema_version()
    assert schema["additionalProperties"] is False  # the models forbid unknown keys


def test_required_fields():
    assert set(schemas.build("report")["required"]) == {"id", "text"}
    event = schemas.build("event")
    assert {"event_id", "report_id", "event_type", "evidence", "confidence"} <= set(event["required"])
    assert "schema_version" in event["properties"]
    assert {"alert_id", "rule_id", "level", "event"} <= set(schemas.build("alert")["required"])


def test_check_command_reports_stale_directory(tmp_path, capsys):
    assert main(["schemas", "--write", str(tmp_path)]) == 0
    assert main(["schemas", "--check", str(tmp_path)]) == 0
    (tmp_path / "event.schema.json").write_text("{}\n", encoding="utf-8")
    assert main(["schemas", "--check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "event.schema.json" in err and f"watchfloor schemas --write {tmp_path}" in err


def test_print_one_schema(capsys):
    assert main(["schemas", "alert"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"].endswith(":alert:v1")


def test_payloads_validate_against_the_schemas():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed; the structural tests above still run")
    from tests.factories import seed_alert  # noqa: PLC0415 - only when jsonschema exists

    alert = json.loads(seed_alert().model_dump_json())
    jsonschema.validate(alert, schemas.build("alert"))
    jsonschema.validate(alert["event"], schemas.build("event"))
    jsonschema.validate({"id": "r1", "text": "t", "source": {"name": "SOHR"}}, schemas.build("report"))
