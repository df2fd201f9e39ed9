"""alerts/render/group.py: a group of new incidents as one Slack message and one email —
golden output, hostile report text, Slack's block limit, header safety."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from alerts.incidents import decide
from alerts.noise.group import GroupBook, Member, group_key, join
from alerts.render.group import INCIDENTS_MAX, group_message_id, render_group_email, render_group_slack
from alerts.render.slack import BLOCKS_MAX, HEADER_MAX, SECTION_TEXT_MAX
from tests import factories as f
from tests.alerts.noise.test_group import BY_PROVINCE, NOW
from tests.alerts.test_render_slack import PAYLOAD, assert_only_own_links

SENDER = "watchfloor@example.org"
TO = ["duty-officers@example.org"]
HEADERS = ("Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "X-Watchfloor-Group",
           "X-Watchfloor-Rule", "X-Watchfloor-Level", "X-Watchfloor-Incidents")
TOWNS = [("Saraqib", 2, None), ("Ariha", None, 3), ("Maarat al-Numan", 1, 1)]


def killing(n: int, town: str, dead, injured, **event):
    ev = f.seed_event(report_id=f"r{n}", event_id=f"r{n}:0", fatalities=dead, injured=injured,
                      source=f.source(name=f"Outlet {n}", url=f"https://news.example/{n}"),
                      location=f.place(text=town, name=town, admin1_name="Idlib", admin1_code="SY-ID"), **event)
    return f.seed_alert(ev, alert_id=f"al-{n:020d}", rule_id="people-killed", title="People killed",
                        level="medium", incident_key=f"people-killed|{town}", group=BY_PROVINCE)


def group_of(alerts):
    book = GroupBook()
    for i, alert in enumerate(alerts):
        notice, _ = decide(None, alert, NOW)
        book, _ = join(book, Member(group_key=group_key(alert), wait_seconds=30, notice=notice),
                       NOW + timedelta(seconds=i))
    return book.groups[0]


BURST = group_of([killing(n, town, dead, injured) for n, (town, dead, injured) in enumerate(TOWNS, 1)])


def test_slack_group_golden(golden) -> None:
    message = render_group_slack(BURST)
    golden("slack_group.json", json.dumps(message.to_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def test_email_group_golden(golden) -> None:
    msg = render_group_email(BURST, SENDER, TO)
    golden("email_group.txt", msg.get_body(preferencelist=("plain",)).get_content())
    golden("email_group.html", msg.get_body(preferencelist=("html",)).get_content())
    golden("email_group.headers", "".join(f"{h}: {msg[h]}\n" for h in HEADERS))


def test_every_incident_is_listed_with_its_source_link() -> None:
    rendered = json.dumps(render_group_slack(BURST).blocks)
    for n, (town, _, _) in enumerate(TOWNS, 1):
        assert town in rendered and f"<https://news.example/{n}|Outlet {n}>" in rendered
        assert f"al-{n:020d}" in rendered


def test_the_message_id_is_stable_per_group() -> None:
    assert render_group_email(BURST, SENDER, TO)["Message-ID"] == group_message_id(BURST)
    other = group_of([killing(9, "Sarmin", 1, None), killing(1, "Saraqib", 2, None)])
    assert group_message_id(other) != group_message_id(BURST)


HOSTILE = group_of([killing(1, "Saraqib", 2, None),
                    f.seed_alert(f.hostile_event(PAYLOAD), alert_id="al-" + "9" * 20, rule_id="people-killed",
                                 title=f"People killed {PAYLOAD}\r\nBcc: victim@example.org",
                                 level="medium", incident_key="people-killed|x", group=BY_PROVINCE)])


def test_report_text_cannot_mention_or_link_in_slack() -> None:
    message = render_group_slack(HOSTILE)
    assert_only_own_links(message)
    objects = [b["text"] for b in message.blocks if isinstance(b.get("text"), dict)]
    objects += [o for b in message.blocks for o in b.get("elements", [])]
    assert all(o.get("verbatim") is True for o in objects if o["type"] == "mrkdwn")


def test_report_text_never_breaks_an_email_header_or_the_html() -> None:
    msg = render_group_email(HOSTILE, SENDER, TO)
    assert msg["Bcc"] is None
    for name, value in msg.items():
        assert "\r" not in value and "\n" not in value, name
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "<!channel>" not in html and "&lt;!channel&gt;" in html


@pytest.mark.parametrize("count", [INCIDENTS_MAX, INCIDENTS_MAX + 1, 120])
def test_slack_limits_hold_for_a_large_burst(count) -> None:
    group = group_of([killing(n, f"Town {n}", n, None) for n in range(1, count + 1)])
    message = render_group_slack(group)
    assert len(message.blocks) <= BLOCKS_MAX
    assert len(message.blocks[0]["text"]["text"]) <= HEADER_MAX
    sections = [b for b in message.blocks if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= SECTION_TEXT_MAX for b in sections)
    listed = set(re.findall(r"al-\d{20}", json.dumps(message.blocks)))
    assert len(listed) == min(count, INCIDENTS_MAX)
    more = json.dumps(message.blocks[-2])
    assert (f"and {count - INCIDENTS_MAX} more incidents" in more) is (count > INCIDENTS_MAX)
