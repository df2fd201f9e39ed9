"""Fixtures for the alerts tests: golden files and the local Slack/SMTP peers."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

# The peers' fixtures, usable here even before tests/conftest.py enables the plugin.


GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("WATCHFLOOR_UPDATE_GOLDEN") == "1"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """`golden(name, text)`: compare with tests/alerts/golden/<name>.

    WATCHFLOOR_UPDATE_GOLDEN=1 rewrites the file instead; review the diff before committing.
    """

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path} is missing; create it with WATCHFLOOR_UPDATE_GOLDEN=1")
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path} (WATCHFLOOR_UPDATE_GOLDEN=1 to accept)"

    return check
