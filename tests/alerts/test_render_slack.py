"""alerts/render/slack.py: golden Block Kit, hostile report text, Slack limits."""

from __future__ import annotations

import json
import re

import pytest

from alerts.render.slack import (
    BLOCKS_MAX, FIELD_MAX, FIELDS_MAX, HEADER_MAX, SECTION_TEXT_MAX, render_slack,
)
from tests import factories as f

RAW_FORMS = ["<!channel>", "<!here>", "<@U123>", "<https://evil|click>"]
PAYLOAD = " ".join(RAW_FORMS)


def dump(message) -> str:
    return json.dumps(message.to_dict(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


GOLDEN_CASES = [
    ("seed", f.seed_alert()),
    ("withdrawal", f.seed_alert(
        rule_id="group-withdraws-from-province", title="Group withdraws from province", level="high",
        event=f.seed_event(
            event_id="000_59a2029cee1cc623:2", event_type="RETREAT", event_mode=("withdraw",),
            acled_event_type="Strategic developments", acled_sub_event_type="Non-violent transfer of territory",
            recipients=(), victims=(), fatalities=None, weapon=(), hedged=True,
            location=f.place(text="the southern countryside of Aleppo", qualifier="southern countryside of",
                             name="Aleppo", precision="admin1", lat=None, lon=None, geonameid=None),
            destination=f.place(text="the Syrian desert", qualifier=None, name="Syrian Desert",
                                admin1_name=None, admin1_code=None, precision="region"),
            evidence=f.evidence("members of ISIS withdrew during the last hours of last night from the "
                                "southern countryside of Aleppo to areas controlled by the organization "
                                "in the Syrian desert", 1217),
        ))),
]


@pytest.mark.parametrize("alert", [c[1] for c in GOLDEN_CASES], ids=[c[0] for c in GOLDEN_CASES])
def test_slack_golden(alert, golden, request) -> None:
    golden(f"slack_{request.node.callspec.id}.json", dump(render_slack(alert)))


def test_render_is_pure_and_stable() -> None:
    assert render_slack(f.seed_alert()) == render_slack(f.seed_alert())


def _hostile_alerts():
    yield "evidence", f.seed_alert(event=f.seed_event(evidence=f.evidence(f"{f.SEED_EVIDENCE} {PAYLOAD}")))
    yield "actor", f.seed_alert(event=f.seed_event(actors=(f.actor(PAYLOAD, PAYLOAD),)))
    yield "victim", f.seed_alert(event=f.seed_event(
        victims=(f.victim(PAYLOAD, rank=PAYLOAD, affiliation=PAYLOAD),)))
    yield "location", f.seed_alert(event=f.seed_event(location=f.place(text=PAYLOAD, name=PAYLOAD,
                                                                       qualifier=PAYLOAD)))
    yield "source", f.seed_alert(event=f.seed_event(source=f.source(name=PAYLOAD)))
    yield "title", f.seed_alert(title=f"Senior officer killed {PAYLOAD}")
    yield "everywhere", f.seed_alert(event=f.hostile_event(PAYLOAD))


HOSTILE = list(_hostile_alerts())
# Our own links look like <http(s)://...|label>; nothing else may contain '<' at all.
OWN_LINK = re.compile(r"^<https?://[^\s<>|]+\|[^<>]*>$")


@pytest.mark.parametrize("alert", [c[1] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_report_text_cannot_mention_or_link(alert) -> None:
    message = render_slack(alert)
    for match in assert_only_own_links(message):
        assert match.startswith("<https://www.syriahr.com/") or match.startswith("<https://evil.example/")


def assert_only_own_links(message) -> list[str]:
    """No raw mention or link from a report in `message`, only the renderer's own links
    (returned, for more checks), and the `<!channel>` of the report escaped."""
    rendered = json.dumps(message.to_dict(), ensure_ascii=False)
    for raw in RAW_FORMS:
        assert raw not in rendered
    links = []
    for text in _all_texts(message):
        for match in re.findall(r"<[^>]*>?", text):
            assert OWN_LINK.match(match), f"unexpected control sequence {match!r} in {text!r}"
            links.append(match)
    assert "&lt;!channel&gt;" in rendered
    return links


def _all_texts(message) -> list[str]:
    texts = [message.text]

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.blocks)
    return texts


def test_title_newlines_never_split_header_or_fallback() -> None:
    message = render_slack(f.seed_alert(title="Officer killed\r\n<!channel>\nsecond line"))
    header = message.blocks[0]["text"]["text"]
    assert "\n" not in header and "\r" not in header and "\n" not in message.text
    assert header.endswith("Officer killed &lt;!channel&gt; second line")


def test_hostile_source_url_is_percent_encoded() -> None:
    message = render_slack(f.seed_alert(event=f.hostile_event()))
    source = next(b for b in message.blocks if b["type"] == "context")["elements"][0]["text"]
    assert source.startswith("Source: <https://evil.example/x?a=1&amp;b=%3C!channel%3E%3C!here%3E")
    assert source.count("<") == 1 and source.count("|") == 1


def test_every_mrkdwn_object_is_verbatim() -> None:
    message = render_slack(f.seed_alert(event=f.hostile_event()))
    objects = [b["text"] for b in message.blocks if isinstance(b.get("text"), dict)]
    objects += [o for b in message.blocks for o in b.get("fields", []) + b.get("elements", [])]
    mrkdwn_objects = [o for o in objects if o["type"] == "mrkdwn"]
    assert mrkdwn_objects and all(o.get("verbatim") is True for o in mrkdwn_objects)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/", "//evil.example/", None],
    ids=["javascript", "data", "ftp", "scheme-relative", "missing"],
)
def test_non_http_source_url_is_not_linked(url) -> None:
    message = render_slack(f.seed_alert(event=f.seed_event(source=f.source(url=url))))
    context = next(b for b in message.blocks if b["type"] == "context")
    assert context["elements"][0]["text"].startswith("Source: SOHR")
    assert "<" not in json.dumps(message.blocks)


def _huge_alert():
    long = "<!channel> " * 2000  # 22,000 characters, each '<' escaping to four
    return f.seed_alert(
        title="T" * 500,
        event=f.seed_event(
            evidence=f.evidence(long),
            actors=tuple(f.actor(long, f"Actor {i} {long}") for i in range(30)),
            victims=tuple(f.victim(f"victim {i} {long}") for i in range(40)),
            location=f.place(text=long, name=long, qualifier=long),
            source=f.source(name=long),
        ),
    )


def test_slack_limits_are_respected() -> None:
    message = render_slack(_huge_alert())
    blocks = message.blocks
    assert len(blocks) <= BLOCKS_MAX
    header = blocks[0]["text"]["text"]
    assert len(header) <= HEADER_MAX and header.endswith("…")
    for block in blocks:
        if isinstance(block.get("text"), dict):
            assert len(block["text"]["text"]) <= SECTION_TEXT_MAX
        assert len(block.get("fields", [])) <= FIELDS_MAX
        for field in block.get("fields", []):
            assert len(field["text"]) <= FIELD_MAX
        for element in block.get("elements", []):
            assert len(element["text"]) <= FIELD_MAX
    quote = blocks[2]["text"]["text"]
    assert quote.endswith("…")
    # Truncation never leaves half an entity behind (e.g. "&l").
    for text in _all_texts(message):
        assert not re.search(r"&(?!(amp|lt|gt);)", text), text[-40:]
