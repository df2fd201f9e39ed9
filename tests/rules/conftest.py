"""Fixtures for the rules tests: the CLI run in-process, rule files in a temp dir, extraction."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
UPDATE_GOLDEN = os.environ.get("WATCHFLOOR_UPDATE_GOLDEN") == "1"


@pytest.fixture
def write_rule(tmp_path: Path) -> Callable[[str, str], Path]:
    """`write_rule("name.yaml", text)` -> the path of a rule file in a fresh directory."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def extractor():
    """The real extraction pipeline (the statistical model when installed), built once."""
    from extraction.pipeline import Extractor, PipelineConfig

    return Extractor.from_config(PipelineConfig())


@pytest.fixture(scope="session")
def extract(extractor) -> Callable[..., list]:
    """`extract(text, published_at=...)` -> the events of one inline report."""
    from extraction.report import Report

    def run(text: str, published_at: datetime = datetime(2020, 1, 1, tzinfo=timezone.utc), report_id: str = "r") -> list:
        return extractor.extract(Report(id=report_id, text=text, published_at=published_at))

    return run
