"""Score extraction against CASE-2021 task 2 snippets (one label of 30 per snippet).

Each snippet is a report; its prediction is its first event's ACLED sub-event type (as for
ACLED notes, see `acled.lead_event`),
mapped to the CASE label below ("none" when no event is extracted). 25 CASE labels are ACLED
sub-event types; the other five (ORG_CRIME, NATURAL_DISASTER, MAN_MADE_DISASTER, DIPLO,
ATTRIB) have no ACLED counterpart and can never be predicted.

Two weighted F1 figures are reported, as scikit-learn's `f1_score(average="weighted",
labels=...)`: over the 25 ACLED labels (every snippet counts; a prediction of an ACLED label
for a snippet of another label still costs precision) and over all 30 labels.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from extraction.report import Report

from . import BATCH_SIZE, NONE, EvalDataError, check_columns, run_batches
from .acled import lead_event
from .metrics import accuracy, confusion_matrix, confusions, macro_f1, per_class, summary, weighted_f1

REQUIRED = ("id", "EventSnippet", "SubType")

# CASE-2021 task 2 label <- ACLED sub-event type: the label names of the two schemes, as in the
# CASE-2021 guidelines (and the crosswalk in ../shared/eval); a label mapping, not data.
ACLED_TO_CASE: dict[str, str] = {
    "Armed clash": "ARMED_CLASH",
    "Government regains territory": "GOV_REGAINS_TERIT",
    "Non-state actor overtakes territory": "NON_STATE_ACTOR_OVERTAKES_TER",
    "Chemical weapon": "CHEM_WEAP",
    "Air/drone strike": "AIR_STRIKE",
    "Suicide bomb": "SUIC_BOMB",
    "Shelling/artillery/missile attack": "ART_MISS_ATTACK",
    "Remote explosive/landmine/IED": "REM_EXPLOS",
    "Grenade": "GRENADE",
    "Sexual violence": "SEX_VIOL",
    "Attack": "ATTACK",
    "Abduction/forced disappearance": "ABDUCT_DISSAP",
    "Peaceful protest": "PEACE_PROTEST",
    "Protest with intervention": "PROTEST_WITH_INTER",
    "Excessive force against protesters": "FORCE_AGAINST_PROTEST",
    "Violent demonstration": "VIOL_DEMONSTR",
    "Mob violence": "MOB_VIOL",
    "Agreement": "AGREEMENT",
    "Arrests": "ARREST",
    "Change to group/activity": "CHANGE_TO_GROUP_ACT",
    "Disrupted weapons use": "DISR_WEAP",
    "Headquarters or base established": "HQ_ESTABLISHED",
    "Looting/property destruction": "PROPERTY_DISTRUCT",
    "Non-violent transfer of territory": "NON_VIOL_TERRIT_TRANSFER",
    "Other": "OTHER",
}
CASE_TO_ACLED = {case: acled for acled, case in ACLED_TO_CASE.items()}
ACLED_LABELS: tuple[str, ...] = tuple(ACLED_TO_CASE.values())
OTHER_LABELS = ("ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB")
ALL_LABELS: tuple[str, ...] = ACLED_LABELS + OTHER_LABELS


def case_label(acled_sub_event_type: str | None) -> str:
    """The CASE label of an ACLED sub-event type; "none" for no event or an unknown type."""
    if not acled_sub_event_type:
        return NONE
    return ACLED_TO_CASE.get(acled_sub_event_type, NONE)


def read_case(path: str | Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(id, snippet, label) rows of a CASE-2021 task 2 TSV (tab-separated, no quoting)."""
    path = Path(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    rows: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        check_columns(path, header, REQUIRED, "a CASE-2021 TSV file")
        at = {name: header.index(name) for name in REQUIRED}
        for number, fields in enumerate(reader, start=2):
            if limit is not None and len(rows) >= limit:
                break
            if not any(f.strip() for f in fields):
                continue
            if len(fields) < len(header):
                raise EvalDataError(f"{path}:{number}: {len(fields)} field(s), expected {len(header)} "
                                    "(a tab missing, or a quoted field: the file is read without quoting)")
            label = fields[at["SubType"]].strip()
            if label not in ALL_LABELS:
                raise EvalDataError(f"{path}:{number}: unknown label {label!r} (expected one of the 30 CASE-2021 labels)")
            snippet = fields[at["EventSnippet"]].strip()
            if snippet:
                rows.append((fields[at["id"]].strip() or f"line-{number}", snippet, label))
    return rows


def to_report(row: tuple[str, str, str]) -> Report:
    return Report(id=f"case-{row[0]}"[:200], text=row[1])


def score(gold: list[str], predicted: list[str]) -> dict:
    pairs = list(zip(gold, predicted))
    in_scope = [(g, p) for g, p in pairs if g in ACLED_LABELS]
    return {
        "dataset": "case2021",
        "rows": len(pairs),
        "no_event": sum(p == NONE for p in predicted),
        "fields": {
            "sub_event_type": {
                **summary(pairs, ALL_LABELS),
                "weighted_f1_25": weighted_f1(pairs, ACLED_LABELS),
                "macro_f1_25": macro_f1(pairs, ACLED_LABELS),
                "weighted_f1_30": weighted_f1(pairs, ALL_LABELS),
                "accuracy_on_acled_labels": accuracy(in_scope),
                "support_acled_labels": len(in_scope),
            },
        },
        "per_class": {"sub_event_type": [s.as_dict() for s in per_class(pairs, ALL_LABELS).values()]},
        "matrix": {"sub_event_type": confusion_matrix(pairs)},
        "confusions": {"sub_event_type": [list(c) for c in confusions(pairs, top=None)]},
    }


def evaluate_rows(rows: list[tuple[str, str, str]], extractor, batch_size: int = BATCH_SIZE,
                  progress=None) -> tuple[dict, list[dict]]:
    """Extract in batches and score: (scores, per-row records)."""
    events = run_batches(extractor, [to_report(r) for r in rows], batch_size, progress)
    tops = [lead_event(e) for e in events]
    predicted = [case_label(t.acled_sub_event_type if t else None) for t in tops]
    gold = [label for _, _, label in rows]
    records = [
        {"id": row_id, "text": text, "gold": {"sub_event_type": label},
         "predicted": {"sub_event_type": pred, "events": len(evs)},
         "ok": {"sub_event_type": label == pred}}
        for (row_id, text, label), pred, evs in zip(rows, predicted, events)
    ]
    return score(gold, predicted), records


def evaluate(path: str | Path, extractor, limit: int | None = None, batch_size: int = BATCH_SIZE,
             progress=None) -> tuple[dict, list[dict]]:
    """Read, extract, score."""
    rows = read_case(path, limit)
    if not rows:
        raise EvalDataError(f"{path}: no snippets to evaluate")
    return evaluate_rows(rows, extractor, batch_size, progress)
