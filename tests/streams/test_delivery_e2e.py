"""Issue 5 as a watch officer sees it, through the real worker and real protocol peers."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from extraction.report import Report, ReportSource, report_from_text_file
from streams.kafka_io import ensure_topics, publish_reports

from .worker import Pipeline, WorkerProcess

pytestmark = pytest.mark.integration

SEED = Path(__file__).resolve().parents[2] / "samples" / "000_59a2029cee1cc623.txt"


@pytest.fixture
def pipeline(kafka_bootstrap, tmp_path, slack_api, smtp_server) -> Pipeline:
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_SLACK_BOT_TOKEN": "xoxb-delivery-test",
        "WATCHFLOOR_SLACK_CHANNEL": "C0WATCH",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
        "WATCHFLOOR_SMTP_HOST": "127.0.0.1",
        "WATCHFLOOR_SMTP_PORT": str(smtp_server.port),
        "WATCHFLOOR_EMAIL_TO": "duty@example.org",
    })
    ensure_topics(pipe.settings)
    return pipe


def test_same_incident_from_three_sources_is_one_message_and_two_thread_updates(pipeline, slack_api, smtp_server):
    seed = report_from_text_file(SEED)
    copies = [
        seed.model_copy(update={"id": f"seed-{outlet}", "source": ReportSource(name=outlet)})
        for outlet in ("SOHR", "Enab Baladi", "North Press")
    ]
    with WorkerProcess(pipeline) as worker:
        publish_reports(pipeline.settings, copies)
        # Each rule that fires on the seed is one incident: one root and two replies each.
        slack_api.wait_for(6, timeout=180)
        mails = smtp_server.wait_for(6, timeout=60)
        time.sleep(3)  # let anything late arrive: it would be a double
        assert worker.process.poll() is None, worker.log()

    posts = slack_api.messages()
    alert_ids = [re.search(r"al-[0-9a-f]{20}", json.dumps(p["blocks"])).group(0) for p in posts]
    assert len(alert_ids) == len(set(alert_ids)), "no alert was posted twice"
    for title in ("Senior officer killed", "Group withdraws from province"):
        incident = [p for p in posts if title in p["text"]]
        roots = [p for p in incident if "thread_ts" not in p]
        replies = [p for p in incident if "thread_ts" in p]
        assert len(roots) == 1 and len(replies) == 2, title
        root_ts = slack_api.answers[posts.index(roots[0])].body["ts"]
        assert {r["thread_ts"] for r in replies} == {root_ts}
        assert "corroborated by" in json.dumps(replies[-1]["blocks"]) and "3 sources" in json.dumps(replies[-1]["blocks"])

    mails = smtp_server.wait_for(len(posts), timeout=60)  # one email per Slack post
    senior = [m for m in mails if "Senior officer killed" in m.message["Subject"]]
    first = next(m for m in senior if not m.message["Subject"].startswith("Re:"))
    assert len(senior) == 3
    assert {m.message["In-Reply-To"] for m in senior if m is not first} == {first.message["Message-ID"]}


def test_slack_429_with_retry_after_is_honoured_and_delivered_once(pipeline, slack_api):
    slack_api.ratelimit(retry_after=2)
    report = Report(id="ratelimited-1", text="A Brigadier in the regime forces was killed in an IED explosion near Maskanah.")
    with WorkerProcess(pipeline):
        publish_reports(pipeline.settings, [report])
        calls = slack_api.wait_for(2, timeout=180)
        time.sleep(3)
    calls = slack_api.calls("chat.postMessage")
    limited = calls[0]
    same = [c for c in calls if c.body["text"] == limited.body["text"]]
    assert len(same) == 2, "the rate-limited message: one 429, then exactly one delivery"
    waited = same[1].received_at - limited.received_at
    assert waited >= 2.0, f"Retry-After: 2 not honoured (retried after {waited:.2f}s)"
    texts = [c.body["text"] for c in calls]
    assert len(texts) == len(set(texts)) + 1, "no other message was sent twice"


def test_channel_mention_in_a_report_never_reaches_slack_unescaped(pipeline, slack_api, smtp_server):
    text = ("A Brigadier in the regime forces (<!channel> <!here> <@U123> <https://evil.example|click here>) "
            "was killed in an IED explosion near Maskanah.\r\nBcc: victim@example.org")
    with WorkerProcess(pipeline):
        publish_reports(pipeline.settings, [Report(id="hostile-1", text=text, title="<!channel>\r\nX-Evil: 1")])
        slack_api.wait_for(1, timeout=180)
        mails = smtp_server.wait_for(1, timeout=60)
    raw = json.dumps(slack_api.messages())
    for dangerous in ("<!channel>", "<!here>", "<@U123>", "<https://evil.example|click here>"):
        assert dangerous not in raw
    assert "&lt;!channel&gt;" in raw
    headers = mails[0].data.split(b"\r\n\r\n", 1)[0]
    assert b"X-Evil" not in headers and b"Bcc: victim" not in headers
