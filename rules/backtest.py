"""Backtest: replay extracted events through a rule set in event-time order, and score rules
against ACLED-coded gold rows.

Pure: extraction happens at the edge (streams/cli/backtest_cmd.py) and hands events in.

Replay
    Events are sorted by event time (rules/windows.py: `event.date`, else the report's
    publication time), ties kept in input order, and run through `engine.fire` with one
    fresh state, so windows and new terms see what a live stream would have seen had every
    report arrived on time. Undated events come last and are placed at the latest event time
    seen (window and new-term rules skip them when nothing is dated).

Gold (`--acled-gold FILE.csv`)
    Each ACLED row (columns: data_id or event_id_cnty, event_date, event_type, sub_event_type,
    actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, country, iso3, admin1,
    location, latitude, longitude, geo_precision, source, notes, fatalities) is both a report
    (text = notes, published = event_date) and a gold answer. Rows whose notes say "coded as",
    "split" or "spread" are skipped: their fatalities are a coder's apportioning, not the text.

    A rule opts in with `gold:`, a condition in the rule language evaluated on a pseudo-event
    built from the row's coded fields only:

        event_type            PLOVER type mapped from ACLED (see _PLOVER_TYPE)
        event_mode            mapped from sub_event_type (Air/drone strike -> aerial, ...)
        acled_event_type      event_type           acled_sub_event_type  sub_event_type
        actors / recipients   actor1 + assoc_actor_1 / actor2 + assoc_actor_2 (`;`-separated),
                              kind from inter1 / inter2 (1 state, 2 rebel, 3-4 militia,
                              7 civilian, 8 foreign_state, else other)
        victims               one {rank_class: civilian, outcome: killed, count: fatalities}
                              when inter2 is 7 (civilians) and fatalities > 0; else none
        fatalities            fatalities            date, source.published_at  event_date
        location              {text/name: location, admin1_name: admin1, admin1_code (when the
                              caller can resolve it), country, country_code: iso3, lat, lon}
        evidence.text         notes                 confidence 1.0, negated/hedged false

        gold:
          acled_sub_event_type: [Remote explosive/landmine/IED, Suicide bomb]
          fatalities: {gte: 10}

    A row is a gold positive for a rule when its `gold:` holds; the rule predicts it when it
    fires on any event extracted from the row's notes. Precision = TP / (TP + FP) over the rows
    the rule fired on, recall = TP / (TP + FN) over the gold positives.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from pathlib import Path

from .engine import Firing, fire
from .event import Actor, Event, Evidence, Place, Source, Victim
from .loader import RuleSet
from .windows import event_time

SKIP_NOTES = re.compile(r"coded as|\bsplit\b|\bspread\b", re.I)
_PLOVER_TYPE = {
    "Battles": "ASSAULT", "Explosions/Remote violence": "ASSAULT", "Violence against civilians": "ASSAULT",
    "Protests": "PROTEST", "Riots": "PROTEST",
}
_PLOVER_SUB_TYPE = {
    "Excessive force against protesters": "ASSAULT", "Mob violence": "ASSAULT", "Arrests": "COERCE",
    "Non-violent transfer of territory": "RETREAT", "Change to group/activity": "MOBILIZE",
    "Looting/property destruction": "ASSAULT",
}
_MODES = {
    "Air/drone strike": ("aerial",), "Suicide bomb": ("suicide-attack", "explosives"),
    "Remote explosive/landmine/IED": ("explosives",), "Grenade": ("explosives",),
    "Shelling/artillery/missile attack": ("heavy-weapons",), "Chemical weapon": ("unconventional",),
    "Armed clash": ("firearms",), "Abduction/forced disappearance": ("abduct",), "Arrests": ("arrest",),
    "Peaceful protest": ("demo",), "Protest with intervention": ("demo",),
    "Excessive force against protesters": ("crowd-control",), "Violent demonstration": ("riot",),
    "Mob violence": ("beat",),
}
_KINDS = {"1": "state", "2": "rebel", "3": "militia", "4": "militia", "7": "civilian", "8": "foreign_state"}
_PRECISION = {"1": "town", "2": "area", "3": "admin1"}

Admin1Resolver = Callable[[str, str], "str | None"]  # (iso3, admin1 name) -> ISO 3166-2 code


@dataclass(frozen=True)
class GoldRow:
    """One ACLED row: the report text to extract from and the pseudo-event to score against."""

    report_id: str
    text: str
    published_at: datetime | None
    event: Event


def _date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d-%b-%y", "%d %B %Y", "%d-%B-%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _int(text: str | None) -> int | None:
    try:
        return int(float(text)) if text not in (None, "") else None
    except ValueError:
        return None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _actors(row: dict, main: str, assoc: str, inter: str) -> tuple[Actor, ...]:
    names = [row.get(main) or ""] + (row.get(assoc) or "").split(";")
    kind = _KINDS.get((row.get(inter) or "").strip(), "other")
    return tuple(Actor(text=n.strip(), name=n.strip(), kind=kind) for n in names if n.strip())  # type: ignore[arg-type]


def gold_event(row: dict, report_id: str, admin1: Admin1Resolver | None = None) -> Event:
    """The pseudo-event of one ACLED row (see the module docstring for the mapping)."""
    acled_type, sub = (row.get("event_type") or "").strip(), (row.get("sub_event_type") or "").strip()
    when = _date(row.get("event_date") or "")
    fatalities = _int(row.get("fatalities"))
    notes = row.get("notes") or ""
    civilians = (row.get("inter2") or "").strip() == "7" and (fatalities or 0) > 0
    place = None
    if row.get("location") or row.get("admin1"):
        iso3, admin1_name = (row.get("iso3") or "").strip(), (row.get("admin1") or "").strip()
        place = Place(
            text=row.get("location") or admin1_name, name=row.get("location") or None,
            admin1_name=admin1_name or None, admin1_code=admin1(iso3, admin1_name) if admin1 and admin1_name else None,
            country=row.get("country") or None, country_code=iso3 or None,
            lat=_float(row.get("latitude")), lon=_float(row.get("longitude")),
            precision=_PRECISION.get((row.get("geo_precision") or "").strip()),  # type: ignore[arg-type]
        )
    published = datetime.combine(when, time(), tzinfo=timezone.utc) if when else None
    return Event(
        event_id=f"gold-{report_id}", report_id=report_id,
        source=Source(name=row.get("source") or None, published_at=published),
        event_type=_PLOVER_SUB_TYPE.get(sub) or _PLOVER_TYPE.get(acled_type, "OTHER"),
        event_mode=_MODES.get(sub, ()),
        acled_event_type=acled_type or None, acled_sub_event_type=sub or None,
        actors=_actors(row, "actor1", "assoc_actor_1", "inter1"),
        recipients=_actors(row, "actor2", "assoc_actor_2", "inter2"),
        victims=(Victim(text="civilians", rank_class="civilian", outcome="killed", count=fatalities),) if civilians else (),
        fatalities=fatalities, location=place, date=when,
        evidence=Evidence(text=notes, start=0, end=len(notes)), confidence=1.0,
    )


def read_acled(path: Path, admin1: Admin1Resolver | None = None) -> tuple[list[GoldRow], int]:
    """Gold rows from an ACLED-format CSV, and how many were skipped (apportioned or empty)."""
    rows, skipped = [], 0
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            notes = (row.get("notes") or "").strip()
            if not notes or SKIP_NOTES.search(notes):
                skipped += 1
                continue
            report_id = f"acled-{row.get('event_id_cnty') or row.get('data_id') or number}"
            event = gold_event(row, report_id, admin1)
            rows.append(GoldRow(report_id, notes, event.source.published_at, event))
    return rows, skipped


def replay(ruleset: RuleSet, events: Iterable[Event], state: dict | None = None) -> Iterator[Firing]:
    """Every firing, events taken in event-time order (undated last, at the latest time seen)."""
    state = {} if state is None else state
    ordered = sorted(enumerate(events), key=lambda item: _order(item[1], item[0]))
    latest: datetime | None = None
    for _, event in ordered:
        at = event_time(event)
        latest = at if at is not None else latest
        yield from fire(ruleset, event, state, now=latest)


def _order(event: Event, index: int) -> tuple:
    at = event_time(event)
    return (at is None, at.timestamp() if at else 0.0, index)


@dataclass
class RuleScore:
    """One rule's backtest figures; precision and recall only for rules with `gold:`."""

    rule_id: str
    alerts: int = 0
    reports: set[str] = field(default_factory=set)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    scored: bool = False

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.scored and self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.scored and self.tp + self.fn else None

    def as_dict(self) -> dict:
        return {"rule_id": self.rule_id, "alerts": self.alerts, "reports": len(self.reports),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision, "recall": self.recall}


def score(ruleset: RuleSet, firings: Iterable[Firing], gold: Iterable[GoldRow] = ()) -> dict[str, RuleScore]:
    """Alerts per rule and, for rules with `gold:`, TP/FP/FN over the gold rows."""
    scores = {rule.id: RuleScore(rule.id) for rule in ruleset.rules}
    for firing in firings:
        entry = scores.setdefault(firing.rule.id, RuleScore(firing.rule.id))
        entry.alerts += 1
        entry.reports.add(firing.event.report_id)
    gold = list(gold)
    for rule in ruleset.rules:
        if rule.gold is None or not gold:
            continue
        entry = scores[rule.id]
        entry.scored = True
        for row in gold:
            truth, predicted = rule.gold(row.event), row.report_id in entry.reports
            entry.tp += truth and predicted
            entry.fp += predicted and not truth
            entry.fn += truth and not predicted
    return scores


def summary(scores: dict[str, RuleScore], totals: Counter, received: Mapping[str, Counter] | None = None) -> list[str]:
    """A table of the scores and a totals line, for people (standard error). With `received`
    (per rule: message / update / inhibited / realert counts), what the watch officer would have got."""
    def pct(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    width = max([len("rule"), *(len(r) for r in scores)])
    seen = "  messages  updates  inhibited  realert" if received is not None else ""
    lines = [f"{'rule':<{width}}  alerts{seen}  reports     tp     fp     fn  precision  recall"]
    for rule_id, s in scores.items():
        figures = (f"{s.tp:>5}  {s.fp:>5}  {s.fn:>5}" if s.scored else f"{'-':>5}  {'-':>5}  {'-':>5}")
        got = received.get(rule_id, Counter()) if received is not None else None
        officer = (f"  {got['message']:>8}  {got['update']:>7}  {got['inhibited']:>9}  {got['realert']:>7}"
                   if got is not None else "")
        lines.append(f"{rule_id:<{width}}  {s.alerts:>6}{officer}  {len(s.reports):>7}  {figures}  "
                     f"{pct(s.precision):>9}  {pct(s.recall):>6}")
    lines.append(", ".join(f"{value} {name}" for name, value in totals.items()))
    return lines
