"""What a watch officer would have received from a run of alerts (the backtest's view)."""

from __future__ import annotations

import pytest

from alerts.noise.received import as_received
from tests.alerts.noise.test_province import RULE, RULES, capture, lesser, report, spec
from tests.factories import actor, place

ALL_RULES = {**RULES, RULE: spec()}


@pytest.mark.parametrize("why, alerts, outcomes", [
    ("one report", [report(1)], ["message"]),
    ("three outlets, three wordings, one incident",
     [report(1), report(2, 20, actors=(actor("gunmen", "gunmen", "unidentified"),)),
      report(3, 45, actors=(actor("Daesh", "Islamic-State"),))],
     ["message", "update", "update"]),
    ("the same alert twice", [report(1), report(1, 5)], ["message", "duplicate"]),
    ("another province is another incident",
     [report(1), report(2, 10, location=place(admin1_code="SY-HI", name="Homs", geonameid=2))],
     ["message", "message"]),
    ("after the incident window", [report(1), report(2, 6 * 60 + 1)], ["message", "message"]),
    ("a capture mutes a lesser alert of its province", [capture(), lesser(1, 30)], ["message", "inhibited"]),
    ("but not one before it", [lesser(1, 0), capture(30)], ["message", "message"]),
])
def test_what_the_officer_receives(why, alerts, outcomes):
    assert [outcome for _, outcome in as_received(alerts, ALL_RULES)] == outcomes


def test_later_reports_come_out_under_the_first_incident():
    first, second = report(1), report(2, 20)
    out = [alert for alert, _ in as_received([first, second], ALL_RULES)]
    assert out[0] == first
    assert out[1].incident_key == first.incident_key and out[1].own_incident_key == second.incident_key
