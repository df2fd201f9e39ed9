"""Group wait through the real worker: a burst of new incidents is one Slack message and one
email; a report after the wait is its own message; updates thread under the grouped one."""

from __future__ import annotations

import json
import re
import time

import pytest

from extraction.report import Report, ReportSource
from streams.kafka_io import ensure_topics, publish_reports

from .worker import Pipeline, WorkerProcess, wait_until

pytestmark = pytest.mark.integration

RULES = """\
id: people-killed
title: People killed
level: medium
when: {event_type: ASSAULT, fatalities: {gte: 1}}
dedup: {key: [location.name], fuzzy: false}
group: {by: [location.admin1_code], wait: 45s}  # a margin for a slow worker start under load
notify: [slack, email]
"""

KILLING = "Gunmen shot dead two civilians in {town} in Idlib province."
BURST = ("Saraqib", "Ariha", "Jisr al-Shughur", "Maarat al-Numan")
ALERT_ID = re.compile(r"al-[0-9a-f]{20}")


@pytest.fixture
def pipeline(kafka_bootstrap, tmp_path, slack_api, smtp_server) -> Pipeline:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "group.yaml").write_text(RULES)
    pipe = Pipeline(kafka_bootstrap, tmp_path, extra_env={
        "WATCHFLOOR_SLACK_BOT_TOKEN": "xoxb-group",
        "WATCHFLOOR_SLACK_CHANNEL": "C0GROUP",
        "WATCHFLOOR_SLACK_BASE_URL": slack_api.base_url,
        "WATCHFLOOR_SMTP_HOST": "127.0.0.1",
        "WATCHFLOOR_SMTP_PORT": str(smtp_server.port),
        "WATCHFLOOR_EMAIL_TO": "duty@example.org",
        "WATCHFLOOR_RULES_DIRS": str(rules),
    })
    ensure_topics(pipe.settings)
    return pipe


def killing(town: str, outlet: str = "SOHR") -> Report:
    return Report(id=f"kill-{town}-{outlet}", text=KILLING.format(town=town), source=ReportSource(name=outlet))


def test_a_burst_is_one_message_and_a_later_report_its_own(pipeline, slack_api, smtp_server):
    # On the topic before the worker starts, so the burst reaches the worker at once.
    publish_reports(pipeline.settings, [killing(town) for town in BURST])
    with WorkerProcess(pipeline) as worker:
        slack_api.wait_for(1, timeout=300)
        smtp_server.wait_for(1, timeout=60)
        # Every member handed back to its incident (4 incidents × 2 receivers) before the update.
        wait_until(lambda: worker.log().count("deferred delivery done") >= 8, 60,
                   lambda: f"members back in their incidents; log tail:\n{worker.log()[-3000:]}")
        time.sleep(3)  # a member sent on its own after all would show up now
        assert len(slack_api.messages()) == 1 and len(smtp_server.received) == 1

        publish_reports(pipeline.settings, [killing("Saraqib", "Enab Baladi"), killing("Khan Shaykhun")])
        slack_api.wait_for(3, timeout=240)
        smtp_server.wait_for(3, timeout=60)
        time.sleep(3)
        assert worker.process.poll() is None, worker.log()
        log = worker.log()

    posts = slack_api.messages()
    assert len(posts) == 3, [p["text"] for p in posts]
    grouped = posts[0]
    assert "4 × People killed" in grouped["text"] and "thread_ts" not in grouped
    assert len(set(ALERT_ID.findall(json.dumps(grouped["blocks"])))) == 4
    for town in ("Saraqib", "Ariha", "Jisr al-Shughur", "Numan"):
        assert town in json.dumps(grouped["blocks"]), town
    grouped_ts = slack_api.answers[0].body["ts"]
    update = next(p for p in posts[1:] if "thread_ts" in p)
    alone = next(p for p in posts[1:] if "thread_ts" not in p)
    assert update["thread_ts"] == grouped_ts and "Update 1" in json.dumps(update["blocks"])
    assert "×" not in alone["text"] and "Kh" in alone["text"]
    assert log.count("GROUPED [medium] People killed") == 5  # four of the burst, the one alone

    mails = [m.message for m in smtp_server.received]
    assert len(mails) == 3
    assert mails[0]["Subject"].startswith("[MEDIUM] 4 × People killed")
    assert mails[0].get_body(preferencelist=("plain",)).get_content().count("Alert: al-") == 4
    reply = next(m for m in mails[1:] if m["Subject"].startswith("Re:"))
    assert reply["In-Reply-To"] == mails[0]["Message-ID"]


def test_a_group_survives_the_worker_killed_during_its_wait(pipeline, slack_api, smtp_server):
    publish_reports(pipeline.settings, [killing(town) for town in BURST])
    with WorkerProcess(pipeline) as worker:
        wait_until(lambda: worker.log().count("GROUPED [medium]") >= 4 and "opened by alert" in worker.log(), 240,
                   lambda: f"four members grouped; log tail:\n{worker.log()[-3000:]}")
        worker.kill()  # SIGKILL inside the 45 s wait: nothing sent yet
    assert slack_api.messages() == [] and smtp_server.received == []

    restart_and_expect_the_group_once(pipeline, slack_api, smtp_server)


def test_sigterm_during_a_group_wait_stops_the_worker_and_the_group_goes_out_after_restart(
        pipeline, slack_api, smtp_server):
    # The release agent must not hold the due message for the whole wait: faust's shutdown (and
    # rebalance) waits for every event to be acked, so the worker would not stop before the
    # group is due. The stop's grace period (20 s) is well inside the 45 s wait.
    publish_reports(pipeline.settings, [killing(town) for town in BURST])
    worker = WorkerProcess(pipeline).start()
    try:
        wait_until(lambda: worker.log().count("GROUPED [medium]") >= 4 and "opened by alert" in worker.log(), 240,
                   lambda: f"four members grouped; log tail:\n{worker.log()[-3000:]}")
        code = worker.stop(timeout=20)
    finally:
        worker.kill()
    assert code == 0, f"exit {code} (negative: killed after the grace period); log tail:\n{worker.log()[-3000:]}"
    assert slack_api.messages() == [] and smtp_server.received == []

    restart_and_expect_the_group_once(pipeline, slack_api, smtp_server)


def restart_and_expect_the_group_once(pipeline, slack_api, smtp_server) -> None:
    """A new worker sends the waiting group of four once to Slack and once by email, and
    hands its members back to their incidents."""
    with WorkerProcess(pipeline) as worker:
        slack_api.wait_for(1, timeout=240)
        smtp_server.wait_for(1, timeout=60)
        wait_until(lambda: worker.log().count("deferred delivery done") >= 8, 60,
                   lambda: f"members back in their incidents; log tail:\n{worker.log()[-3000:]}")
        time.sleep(3)
        assert worker.process.poll() is None, worker.log()

    posts = slack_api.messages()
    assert len(posts) == 1 and "4 × People killed" in posts[0]["text"], [p["text"] for p in posts]
    assert len(set(ALERT_ID.findall(json.dumps(posts[0]["blocks"])))) == 4
    assert len(smtp_server.received) == 1
