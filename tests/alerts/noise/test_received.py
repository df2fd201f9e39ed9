"""What a watch officer would have received from a run of alerts (the backtest's view)."""

from __future__ import annotations

import pytest

from alerts.model import RealertPolicy
from alerts.noise.received import OUTCOMES, as_received
from tests.alerts.noise.test_province import RULE, RULES, capture, lesser, report, spec
from tests.factories import actor, place

ALL_RULES = {**RULES, RULE: spec()}


def hourly(alert):
    """The alert of a rule with `realert: {every: 1h}`."""
    return alert.model_copy(update={"realert": RealertPolicy(every_seconds=3600)})


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
    ("later reports of a muted incident: the officer never got its first message",
     [capture(), lesser(1, 30), lesser(2, 6 * 60 + 5), lesser(3, 6 * 60 + 10)],
     ["message", "inhibited", "inhibited", "inhibited"]),
    ("realert: updates within the hour are held, the next after it goes out",
     [hourly(report(1)), hourly(report(2, 20)), hourly(report(3, 45)), hourly(report(4, 61))],
     ["message", "realert", "realert", "update"]),
    ("a held update seen again is still a duplicate", [hourly(report(1)), hourly(report(2, 20)), hourly(report(2, 25))],
     ["message", "realert", "duplicate"]),
])
def test_what_the_officer_receives(why, alerts, outcomes):
    got = [outcome for _, outcome in as_received(alerts, ALL_RULES)]
    assert got == outcomes and set(got) <= set(OUTCOMES)


def test_later_reports_come_out_under_the_first_incident():
    first, second = report(1), report(2, 20)
    out = [alert for alert, _ in as_received([first, second], ALL_RULES)]
    assert out[0] == first
    assert out[1].incident_key == first.incident_key and out[1].own_incident_key == second.incident_key
