"""tests/factories.py stays true to the seed report it claims to describe."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.model import alert_id_for
from tests import factories as f

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_59a2029cee1cc623.txt"


def test_seed_alert_shape() -> None:
    alert = f.seed_alert()
    assert alert.alert_id == alert_id_for("senior-officer-killed", alert.event.event_id)
    assert alert.level == "critical" and alert.event.fatalities == 3
    assert alert.event.location.admin1_code == "SY-HL"
    assert [v.rank for v in alert.event.victims] == ["Brigadier", "General", None]


def test_seed_evidence_offsets_match_report() -> None:
    if not SEED.exists():
        pytest.skip(f"seed report not found at {SEED}")
    text = SEED.read_text(encoding="utf-8")
    ev = f.seed_event().evidence
    assert text[ev.start:ev.end] == ev.text


def test_overrides() -> None:
    assert f.seed_alert(level="high").level == "high"
    assert f.seed_event(fatalities=None).fatalities is None
