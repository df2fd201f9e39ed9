"""Three outlets, three wordings, one incident: one Slack message and two replies in its thread.

The reports differ as real ones do: the actor unknown, "gunmen" or named; Maskanah or "the
countryside of Aleppo province"; an IED, "an attack", "a bombing"; dated a day apart; and the
victims' ranks written differently, so the rule's own dedup key (province + ranks) differs for
each. The match stage's fingerprint table joins them (alerts/noise/), through the real worker.
"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from extraction.report import Report, ReportSource
from rules.loader import default_pack
from streams.kafka_io import ensure_topics, publish_reports

from .worker import Pipeline, WorkerProcess

pytestmark = pytest.mark.integration

REPORTS = [
    ("SOHR", "2020-05-01T08:00:00Z",
     "A Brigadier in the regime forces was killed in an IED explosion near Maskanah in the eastern countryside of Aleppo."),
    ("Enab Baladi", "2020-05-02T07:00:00Z",
     "Gunmen killed a regime Brigadier and a General in an attack in the countryside of Aleppo province."),
    ("North Press", "2020-05-01T18:00:00Z",
     "Islamic State fighters killed a Brigadier General of the Syrian army in a bombing near the town of Maskanah, east of Aleppo."),
]


@pytest.fixture
def pipeline(kafka_bootstrap, tmp_path, slack_api) -> Pipeline:
    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("_library.yaml", "senior-officer-killed.yaml"):  # dedup key: province + victims' ranks
        shutil.copy(default_pack() / name, rules / name)
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_SLACK_BOT_TOKEN": "xoxb-fuzzy",
        "WATCHFLOOR_SLACK_CHANNEL": "C0FUZZY",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
        "WATCHFLOOR_RULES_DIRS": str(rules),
    })
    ensure_topics(pipe.settings)
    return pipe


def test_three_differently_worded_reports_are_one_message_and_two_thread_updates(pipeline, slack_api):
    reports = [Report(id=f"fuzzy-{i}", text=text, source=ReportSource(name=outlet), published_at=published)
               for i, (outlet, published, text) in enumerate(REPORTS, 1)]
    with WorkerProcess(pipeline) as worker:
        publish_reports(pipeline.settings, reports)
        slack_api.wait_for(3, timeout=180)
        time.sleep(3)  # a fourth message, or a second root, would show up now
        log = worker.log()
        assert worker.process.poll() is None, log

    posts = [p for p in slack_api.messages() if "Senior officer killed" in p["text"]]
    roots = [p for p in posts if "thread_ts" not in p]
    replies = [p for p in posts if "thread_ts" in p]
    assert len(posts) == 3 and len(roots) == 1 and len(replies) == 2, [p["text"] for p in posts]
    root_ts = slack_api.answers[slack_api.messages().index(roots[0])].body["ts"]
    assert {r["thread_ts"] for r in replies} == {root_ts}
    assert "3 sources" in json.dumps(replies[-1]["blocks"])
    assert log.count("(fuzzy)") == 2, "both later reports joined by fingerprint, not by the dedup key"
