"""Silences through the CLI and the real worker: a matching alert is suppressed (and logged),
others still go out; expiring the silence lets the next one through."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from extraction.report import Report
from streams.kafka_io import ensure_topics, publish_reports

from .worker import Pipeline, WorkerProcess, wait_until

pytestmark = pytest.mark.integration

KILLING = "A Brigadier in the regime forces was killed in an IED explosion near {town}."


def _cli(pipe: Pipeline, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli", "silence", *args], env=pipe.env,
                          capture_output=True, text=True, timeout=120, cwd=pipe.root)




def test_silence_add_list_expire(kafka_bootstrap, tmp_path, slack_api):
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_SLACK_BOT_TOKEN": "xoxb-silence",
        "WATCHFLOOR_SLACK_CHANNEL": "C0SIL",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
    })
    ensure_topics(pipe.settings)

    refused = _cli(pipe, "add", "location.admin1_code=SY-HL")
    assert refused.returncode == 2 and "--comment is required" in refused.stderr
    added = _cli(pipe, "add", "location.admin1_code=SY-HL", "rule_id=~senior-.*", "--for", "1h",
                 "--author", "duty-officer", "--comment", "operation near Maskanah is known")
    assert added.returncode == 0, added.stderr
    silence_id = added.stdout.strip()
    listed = _cli(pipe, "list")
    assert silence_id in listed.stdout and "duty-officer" in listed.stdout

    def senior_posts() -> list[str]:
        return [m["text"] for m in slack_api.delivered() if "Senior officer killed" in m["text"]]

    with WorkerProcess(pipe) as worker:
        publish_reports(pipe.settings, [
            Report(id="aleppo-1", text=KILLING.format(town="Maskanah"), published_at="2020-05-01"),
            Report(id="homs-1", text=KILLING.format(town="Homs"), published_at="2020-05-01"),
        ])
        wait_until(lambda: any("Homs" in t for t in senior_posts()), 180, "the Homs alert")
        wait_until(lambda: "SILENCED" in worker.log(), 60, "the suppression in the log")
        assert not any("Aleppo" in t for t in senior_posts()), "the silenced alert went out"
        assert silence_id in worker.log()

        expired = _cli(pipe, "expire", silence_id)
        assert expired.returncode == 0, expired.stderr
        time.sleep(3)  # the global table picks the change up
        publish_reports(pipe.settings, [Report(id="aleppo-2", text=KILLING.format(town="Maskanah") + " Two guards died too.",
                                               published_at="2020-05-02")])
        wait_until(lambda: any("Aleppo" in t for t in senior_posts()), 120, "the alert after expiry")
    assert _cli(pipe, "list").stdout.strip() == ""
    assert silence_id in _cli(pipe, "list", "--all").stdout
