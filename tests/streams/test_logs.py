"""Structured logs: one JSON object per line with the ids passed via `extra=`."""

from __future__ import annotations

import json
import logging
import logging.config

from streams.logs import JsonFormatter, faust_logging_config


def record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    rec = logging.LogRecord("streams.agents.match", logging.INFO, __file__, 1, message, args, exc_info)
    rec.__dict__.update(extra)
    return rec


def test_fields_and_ids():
    line = JsonFormatter().format(record("alert %s fired", "al-1", alert_id="al-1", rule_id="r1",
                                         event_id="ev-1", report_id=b"rep-1", other="ignored"))
    out = json.loads(line)
    assert out["level"] == "INFO" and out["logger"] == "streams.agents.match"
    assert out["message"] == "alert al-1 fired"
    assert (out["alert_id"], out["rule_id"], out["event_id"], out["report_id"]) == ("al-1", "r1", "ev-1", "rep-1")
    assert "other" not in out
    assert out["time"].endswith("Z") and out["time"][10] == "T"
    assert "\n" not in line


def test_exception_and_newlines_stay_on_one_line():
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        import sys

        line = JsonFormatter().format(record("failed on\nthis", exc_info=sys.exc_info()))
    assert "\n" not in line
    out = json.loads(line)
    assert out["message"] == "failed on\nthis" and "ValueError: bad" in out["exception"]


def test_faust_config_only_for_json():
    assert faust_logging_config("text") is None
    config = faust_logging_config("json")
    # Build the formatter the way dictConfig will (without touching this process's logging).
    formatter = logging.config.DictConfigurator(config).configure_formatter(config["formatters"]["json"])
    assert isinstance(formatter, JsonFormatter)
    assert config["root"]["handlers"] == ["default"]
