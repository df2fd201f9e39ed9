"""Quiet hours: recurring windows on a time zone's wall clock (table-driven)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from alerts.noise.quiet import holding, in_quiet_hours
from rules.spec import QuietWindow

NIGHTS = QuietWindow(name="nights", days=("mon", "tue", "wed", "thu", "fri"), start="22:00", end="06:00",
                     timezone="Europe/London", below="high")
LUNCH = QuietWindow(start="12:00", end="13:00", timezone="Asia/Damascus", below="medium")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("why, now, window", [
    # 2026-11-23 is a Monday; London is on GMT (UTC+0) in November, BST (UTC+1) in July.
    ("Monday 21:59 London", utc(2026, 11, 23, 21, 59), None),
    ("Monday 22:00 London", utc(2026, 11, 23, 22, 0), NIGHTS),
    ("Tuesday 05:59, the window that started Monday", utc(2026, 11, 24, 5, 59), NIGHTS),
    ("Tuesday 06:00", utc(2026, 11, 24, 6, 0), None),
    ("Friday 23:00", utc(2026, 11, 27, 23, 0), NIGHTS),
    ("Saturday 03:00, Friday's window", utc(2026, 11, 28, 3, 0), NIGHTS),
    ("Saturday 23:00: no window starts on Saturday", utc(2026, 11, 28, 23, 0), None),
    ("Monday 03:00: Sunday started none", utc(2026, 11, 23, 3, 0), None),
    ("July: 21:30 UTC is 22:30 BST", utc(2026, 7, 6, 21, 30), NIGHTS),
    ("July: 05:30 UTC is 06:30 BST", utc(2026, 7, 7, 5, 30), None),
    ("noon in Damascus (UTC+3) is 09:00 UTC", utc(2026, 11, 28, 9, 30), LUNCH),
])
def test_in_quiet_hours(why, now, window):
    assert in_quiet_hours(now, [NIGHTS, LUNCH]) == window


@pytest.mark.parametrize("level, held", [("info", True), ("low", True), ("medium", True), ("high", False),
                                         ("critical", False)])
def test_only_levels_below_the_window_are_held(level, held):
    assert (holding(level, utc(2026, 11, 23, 23, 0), [NIGHTS]) is not None) is held


def test_start_equal_to_end_is_a_whole_day_from_start():
    day = QuietWindow(days=("sun",), start="00:00", end="00:00", below="critical")
    assert in_quiet_hours(utc(2026, 11, 29, 23, 59), [day]) == day  # Sunday
    assert in_quiet_hours(utc(2026, 11, 30, 0, 0), [day]) is None  # Monday


@pytest.mark.parametrize("values, message", [
    ({"start": "25:00", "end": "06:00", "below": "high"}, "is not a time of day"),
    ({"start": "22:00", "end": "06:00", "below": "high", "timezone": "Europe/Londn"}, "unknown time zone"),
    ({"start": "22:00", "end": "06:00", "below": "loud"}, "Input should be"),
    ({"start": "22:00", "end": "06:00", "below": "high", "days": ["monday"]}, "Input should be"),
])
def test_bad_windows_are_refused(values, message):
    with pytest.raises(ValidationError, match=message):
        QuietWindow(**values)


def test_yaml_reads_an_unquoted_time_as_minutes_and_it_still_works():
    assert QuietWindow(start=22 * 60, end=6 * 60, below="high").start == "22:00"
