"""Inhibition and quiet hours through the real worker: held back, logged, counted, never sent.

A capture of Saraqib (a rule with `inhibits`) goes out; a killing in Saraqib right after is
held as inhibited; a killing in Homs is held by a quiet window that covers the test's run.
"""

from __future__ import annotations

import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from extraction.report import Report, ReportSource
from streams.broker import free_port
from streams.kafka_io import ensure_topics, publish_reports

from .worker import Pipeline, WorkerProcess, wait_until

pytestmark = pytest.mark.integration

RULES = """\
id: town-captured
title: Town captured
level: high
when: {acled_sub_event_type: [Non-state actor overtakes territory, Government regains territory]}
inhibits: {within: 6h, same: [location.admin1_code]}
notify: [slack]
---
id: people-killed
title: People killed
level: medium
when: {event_type: ASSAULT, fatalities: {gte: 1}}
notify: [slack]
"""

CAPTURE = "Hay'at Tahrir al-Sham fighters captured the town of Saraqib in Idlib province after heavy clashes with regime forces."
KILLING = "Gunmen shot dead two civilians in {town} province."


def quiet_now() -> str:
    """A quiet window from two hours ago to two hours ahead (UTC), holding levels below high."""
    now = datetime.now(timezone.utc)
    start, end = (now - timedelta(hours=2)).strftime("%H:%M"), (now + timedelta(hours=2)).strftime("%H:%M")
    return f'quiet_hours:\n  - {{start: "{start}", end: "{end}", timezone: UTC, below: high}}\n'


@pytest.fixture
def pipeline(kafka_bootstrap, tmp_path, slack_api) -> Pipeline:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "noise.yaml").write_text(RULES)
    (rules / "quiet.yaml").write_text(quiet_now())
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_SLACK_BOT_TOKEN": "xoxb-noise",
        "WATCHFLOOR_SLACK_CHANNEL": "C0NOISE",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
        "WATCHFLOOR_RULES_DIRS": str(rules),
        "WATCHFLOOR_WEB_PORT": str(free_port()),
    })
    ensure_topics(pipe.settings)
    return pipe


def test_inhibited_and_quiet_hours_alerts_are_held_logged_and_never_sent(pipeline, slack_api):
    source = ReportSource(name="SOHR")
    with WorkerProcess(pipeline) as worker:
        publish_reports(pipeline.settings, [Report(id="capture", text=CAPTURE, source=source)])
        slack_api.wait_for(1, timeout=180)  # the capture first: reports of two ids may be read in any order
        publish_reports(pipeline.settings, [Report(id="kill-idlib", text=KILLING.format(town="Saraqib in Idlib"),
                                                   source=source),
                                            Report(id="kill-homs", text=KILLING.format(town="Talbiseh in Homs"),
                                                   source=source)])
        wait_until(lambda: "HELD INHIBITED" in worker.log() and "HELD QUIET_HOURS" in worker.log(), 120,
                   lambda: f"both alerts held; log tail:\n{worker.log()[-3000:]}")
        time.sleep(3)  # a held alert that went out after all would show up now
        log = worker.log()
        url = f"http://127.0.0.1:{pipeline.env['WATCHFLOOR_WEB_PORT']}/metrics"
        with urllib.request.urlopen(url, timeout=30) as response:
            metrics = response.read().decode()

    messages = slack_api.messages()
    assert len(messages) == 1 and "Town captured" in messages[0]["text"], [m["text"] for m in messages]
    for reason in ("inhibited", "quiet_hours"):
        assert f'watchfloor_suppressed_total{{reason="{reason}",rule_id="people-killed"}} 1.0' in metrics
    inhibited = next(line for line in log.splitlines() if "HELD INHIBITED" in line)
    assert "People killed" in inhibited and "town-captured" in inhibited
    quiet = next(line for line in log.splitlines() if "HELD QUIET_HOURS" in line)
    assert "People killed" in quiet and "below high" in quiet
