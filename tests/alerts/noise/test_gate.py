"""The deliver stage's noise gate: realert spacing, quiet hours, inhibition, silences."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from alerts.incidents import decide
from alerts.model import InhibitedBy, RealertPolicy, alert_id_for
from alerts.noise.gate import combined, gate
from alerts.noise.realert import interval
from alerts.silences import Matcher, Silence
from rules.spec import QuietWindow
from tests.factories import SEED_FIRED_AT, seed_alert, seed_event, source

HOURLY = RealertPolicy(every_seconds=3600)
DOUBLING = RealertPolicy(every_seconds=3600, exponential=True, max_seconds=6 * 3600)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)  # a Wednesday, noon


@pytest.mark.parametrize("policy, sent, hours", [
    (HOURLY, 1, 1), (HOURLY, 5, 1),
    (DOUBLING, 1, 1), (DOUBLING, 2, 2), (DOUBLING, 3, 4), (DOUBLING, 4, 6), (DOUBLING, 60, 6),
    (RealertPolicy(every_seconds=3600, exponential=True), 4, 8),
])
def test_realert_interval(policy, sent, hours):
    assert interval(policy, sent) == timedelta(hours=hours)


def report(n: int, minutes: float, policy=None, **event):
    ev = seed_event(report_id=f"r{n}", event_id=f"r{n}:0", source=source(name=f"outlet {n}"), **event)
    return seed_alert(ev, alert_id=alert_id_for("senior-officer-killed", ev.event_id), realert=policy,
                      fired_at=SEED_FIRED_AT + timedelta(minutes=minutes), dedup_within_seconds=24 * 3600)


def run(alerts, **kwargs):
    """decide + gate over the alerts in order: (kind, held reason or None, changes) per alert."""
    state, out = None, []
    for alert in alerts:
        notice, state = decide(state, alert, NOW)
        notice, state, held = gate(notice, state, NOW, **kwargs)
        out.append((notice.kind, held.reason if held else None, notice.changes))
    return out, state


def test_without_realert_every_update_is_sent():
    out, state = run([report(1, 0), report(2, 5), report(3, 10)])
    assert [held for _, held, _ in out] == [None, None, None]
    assert state.sent == 3


def test_realert_holds_updates_until_the_interval_and_carries_their_changes():
    minutes = [0, 10, 30, 61, 90, 122]
    out, state = run([report(n, m, HOURLY, fatalities=3 if n == 1 else 4) for n, m in enumerate(minutes, 1)])
    assert [(kind, held) for kind, held, _ in out] == [
        ("new", None), ("update", "realert"), ("update", "realert"), ("update", None),
        ("update", "realert"), ("update", None),
    ]
    # The 4th report's message says what the held 2nd and 3rd reported, with the latest count once.
    assert out[3][2] == ("now corroborated by 4 sources", "dead rose from 3 to 4")
    assert out[5][2] == ("now corroborated by 6 sources",)
    assert state.held_changes == () and state.sent == 3
    assert set(state.held) == {report(n, 0).alert_id for n in (2, 3, 5)}


def test_exponential_realert_doubles_the_wait_after_each_message():
    minutes = [0, 61, 61 + 90, 61 + 121, 61 + 121 + 239, 61 + 121 + 241]
    out, _ = run([report(n, m, DOUBLING) for n, m in enumerate(minutes, 1)])
    assert [held for _, held, _ in out] == [None, None, "realert", None, "realert", None]


def test_a_redelivered_held_alert_is_held_again_but_not_counted_twice():
    first, second = report(1, 0, HOURLY), report(2, 10, HOURLY)
    state = None
    for alert in (first, second):
        notice, state = decide(state, alert, NOW)
        notice, state, held = gate(notice, state, NOW)
    notice, state_after = decide(state, second, NOW)
    assert notice.kind == "repeat"
    _, again_state, held = gate(notice, state_after, NOW)
    assert held.reason == "realert" and held.again
    assert again_state == state
    # A redelivery of the sent first alert is not held: the ledger makes its send a no-op.
    notice, _ = decide(state, first, NOW)
    assert gate(notice, state, NOW)[2] is None


NIGHT = QuietWindow(start="11:00", end="13:00", below="critical")


@pytest.mark.parametrize("why, alert, kwargs, reason", [
    ("nothing applies", report(1, 0), {}, None),
    ("silenced", report(1, 0), {"silence": Silence(matchers=(Matcher.parse("level=critical"),),
                                                   starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(hours=1),
                                                   created_by="duty", comment="known")}, "silenced"),
    ("inhibited", report(1, 0).model_copy(update={"inhibited_by": InhibitedBy(
        alert_id="al-x", rule_id="territory-captured", title="Territory captured", until=NOW)}), {}, "inhibited"),
    ("quiet hours hold levels below theirs", report(1, 0).model_copy(update={"level": "high"}),
     {"quiet_hours": (NIGHT,)}, "quiet_hours"),
    ("quiet hours never hold their own level", report(1, 0), {"quiet_hours": (NIGHT,)}, None),
    ("outside the quiet window", report(1, 0).model_copy(update={"level": "high"}),
     {"quiet_hours": (NIGHT.model_copy(update={"start": "13:00", "end": "15:00"}),)}, None),
])
def test_reasons_to_hold_a_new_incident(why, alert, kwargs, reason):
    out, state = run([alert], **kwargs)
    assert out[0][1] == reason
    assert state.sent == (0 if reason else 1)


def test_quiet_hours_let_higher_levels_through():
    window = QuietWindow(start="11:00", end="13:00", below="high")
    out, _ = run([report(1, 0)], quiet_hours=(window,))  # the seed alert is critical
    assert out[0][1] is None
    out, _ = run([report(1, 0).model_copy(update={"level": "medium"})], quiet_hours=(window,))
    assert out[0][1] == "quiet_hours"


def test_combined_change_lines_keep_each_line_once_and_the_latest_count_first():
    assert combined(("now corroborated by 2 sources", "dead rose from 3 to 4"),
                    ("now corroborated by 3 sources", "dead rose from 3 to 4", "injured now reported: 2")) == (
        "now corroborated by 3 sources", "dead rose from 3 to 4", "injured now reported: 2")
