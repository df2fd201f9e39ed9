"""Rules under edit while the real worker runs: a bad change never unloads the good rules."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from extraction.report import Report
from streams.kafka_io import ensure_topics, publish_reports

from .worker import Pipeline, WorkerProcess, wait_until

pytestmark = pytest.mark.integration

PACK = Path(__file__).resolve().parents[2] / "rules" / "default"
KILLING = "A Brigadier in the regime forces was killed in an IED explosion near Maskanah."

NEW_RULE = """\
id: any-ied
title: Any IED explosion
level: medium
when:
  weapon: ied
notify: [slack]
"""

BROKEN_RULE = """\
id: broken
title: Broken rule
level: urgent
when:
  fatalitiez: {gte: 1}
notify: [pager]
"""




def test_invalid_change_keeps_last_good_rules_and_valid_change_is_swapped_in(kafka_bootstrap, tmp_path, slack_api):
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    for name in ("_library.yaml", "senior-officer-killed.yaml"):
        shutil.copy(PACK / name, rules_dir / name)
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_RULES_DIRS": str(rules_dir),
        "WATCHFLOOR_RULES_RELOAD_SECONDS": "0.5",
        "WATCHFLOOR_SLACK_BOT_TOKEN": "xoxb-reload",
        "WATCHFLOOR_SLACK_CHANNEL": "C0RULES",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
    })
    ensure_topics(pipe.settings)

    def titles() -> list[str]:
        return [m["text"] for m in slack_api.messages()]

    with WorkerProcess(pipe) as worker:
        publish_reports(pipe.settings, [Report(id="r1", text=KILLING, published_at="2020-05-01")])
        wait_until(lambda: any("Senior officer killed" in t for t in titles()), 180, "the first alert")

        (rules_dir / "broken.yaml").write_text(BROKEN_RULE)
        # The diagnostics are logged after the "change rejected" line: wait for the last of them.
        wait_until(lambda: "change rejected" in worker.log() and "broken.yaml:6:10 R005" in worker.log(), 60,
                   lambda: f"the rejection and its diagnostics in the log:\n{worker.log()[-3000:]}")
        log = worker.log()
        assert "broken.yaml:3:1 R003" in log, log[-3000:]
        assert "broken.yaml:5:3 R004" in log and "broken.yaml:6:10 R005" in log

        # The last good set still runs: the next killing (another province) alerts as before.
        publish_reports(pipe.settings, [Report(id="r2", text=KILLING.replace("Maskanah", "Homs"), published_at="2020-05-01")])
        wait_until(lambda: sum("Senior officer killed" in t for t in titles()) == 2, 120, "an alert from the kept rules")

        (rules_dir / "broken.yaml").unlink()
        (rules_dir / "any-ied.yaml").write_text(NEW_RULE)
        wait_until(lambda: "swapped in rule set" in worker.log(), 60, "the swap in the log")
        publish_reports(pipe.settings, [Report(id="r3", text=KILLING.replace("Maskanah", "Hama"), published_at="2020-05-01")])
        wait_until(lambda: any("Any IED explosion" in t for t in titles()), 120, "an alert from the new rule")
        assert worker.process.poll() is None
