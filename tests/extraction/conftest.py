"""One extraction pipeline per test session (loading the model takes a few seconds)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from extraction.pipeline import Extractor
from extraction.report import Report, report_from_text_file

SEED = Path(__file__).resolve().parents[2] / "samples" / "000_59a2029cee1cc623.txt"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor.from_config()


@pytest.fixture(scope="session")
def seed_events(extractor):
    report = report_from_text_file(SEED).model_copy(
        update={"published_at": datetime(2017, 11, 25, 10, tzinfo=timezone.utc)})
    return extractor.extract(report)


@pytest.fixture
def extract_text(extractor):
    def run(text: str, published: str = "2020-05-01T12:00:00Z"):
        return extractor.extract(Report(id="t", text=text, published_at=published))
    return run
