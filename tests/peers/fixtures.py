"""pytest fixtures for the peers. Enable with `pytest_plugins = ["tests.peers.fixtures"]`
in tests/conftest.py, or import the fixture names into a conftest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.peers.slack_api import SlackApiServer
from tests.peers.smtp import SmtpServer

SLACK_TEST_TOKEN = "xoxb-watchfloor-test"


@pytest.fixture
def slack_api() -> Iterator[SlackApiServer]:
    """A fresh local Slack Web API (accepts any token) for one test."""
    with SlackApiServer() as server:
        yield server


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A fresh local SMTP server for one test."""
    with SmtpServer() as server:
        yield server
