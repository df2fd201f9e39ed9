"""The labels a route matches on, read from an alert (pure).

Short names for what routes use most, the rest by the event's dotted paths as silences read
them (alerts/silences.py): `level`, `rule_id`, `title`, `tags`, `notify` (the rule's `notify`
list, i.e. the receivers the rule asked for), `country_code`, `admin1_code` (the event's
location), and any event field such as `event_type` or `actors.name`. A label can hold several
values (tags, notify, actors.name); an absent one holds none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rules.conditions import resolve_field

from ..model import Alert
from ..silences import labels as silence_labels

Values = Callable[[str], tuple[str, ...]]

SHORT = {"country_code": "location.country_code", "admin1_code": "location.admin1_code"}
ALERT_LABELS = ("level", "rule_id", "title", "tags", "notify")
KNOWN = (*ALERT_LABELS, *SHORT)


def known_label(name: str) -> bool:
    """True for a short label name or a field of the event contract."""
    return name in KNOWN or resolve_field(name) is not None


def alert_values(alert: Alert) -> Values:
    """The label values of `alert`: values("tags") -> ("military", "leadership")."""

    def values(name: str) -> tuple[str, ...]:
        if name == "notify":
            return tuple(alert.receivers)
        return tuple(silence_labels(alert, SHORT.get(name, name)))

    return values


def given_values(labels: Mapping[str, tuple[str, ...] | list[str] | str]) -> Values:
    """Label values written out by hand (`watchfloor routes test --label level=critical`)."""
    table = {SHORT.get(k, k): (v,) if isinstance(v, str) else tuple(v) for k, v in labels.items()}

    def values(name: str) -> tuple[str, ...]:
        return table.get(SHORT.get(name, name), ())

    return values
