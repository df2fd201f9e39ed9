"""When: relative dates ("yesterday", "last night", "on Monday") against the publication date."""

from __future__ import annotations

import re
from datetime import date, timedelta

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_RELATIVE = [
    (re.compile(r"\b(?:the day before yesterday)\b", re.I), 2),
    (re.compile(r"\b(?:yesterday|last night|overnight|late on \w+ night)\b", re.I), 1),
    (re.compile(r"\b(?:today|this morning|this evening|tonight|earlier today)\b", re.I), 0),
]
_WEEKDAY = re.compile(r"\b(?:on|last|this)\s+(" + "|".join(_WEEKDAYS) + r")\b", re.I)


def resolve_date(sentence: str, published: date | None) -> date | None:
    """The day a sentence's event happened, or the publication day when it says nothing."""
    if published is None:
        return None
    weekday = _WEEKDAY.search(sentence)
    if weekday:
        target = _WEEKDAYS.index(weekday.group(1).lower())
        back = (published.weekday() - target) % 7
        return published - timedelta(days=back)
    for pattern, days in _RELATIVE:
        if pattern.search(sentence):
            return published - timedelta(days=days)
    return published
