"""Training rows from the files a user supplies: ACLED CSV exports and CASE-2021 task 2 TSVs.

- ACLED: `notes` -> `sub_event_type` (the event type follows from the sub-event type, see
  `extraction.events.frames.frame_for_sub_event`).
- CASE-2021: `EventSnippet` -> `SubType`, mapped to the ACLED sub-event type name through the
  label mapping of `extraction.evaluation.case`; the five CASE labels that are no ACLED type
  (ORG_CRIME, NATURAL_DISASTER, ...) become `NO_EVENT`: the text reports no ACLED event.

The kind of a file is told by its header. The held-out split is a pure function of the text and
the seed (sha256), so the same rows are held out whatever the file order, duplicated notes fall
on the same side, and `watchfloor eval --heldout` can find them again from the model's meta.
"""

from __future__ import annotations

import csv
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from extraction.evaluation import EvalDataError, check_columns
from extraction.evaluation.case import CASE_TO_ACLED, read_case
from extraction.events.frames import SUB_EVENT_FRAMES

NO_EVENT = "none"  # the class of texts that report no ACLED event (same word as evaluation's NONE)
ACLED_COLUMNS = ("notes", "sub_event_type")
CASE_COLUMNS = ("id", "EventSnippet", "SubType")


@dataclass(frozen=True)
class Sample:
    text: str
    label: str  # an ACLED sub-event type name, or NO_EVENT
    source: str  # the file name it came from


def file_kind(path: str | Path) -> str:
    """"acled" or "case", from the header row; EvalDataError for anything else."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise EvalDataError(f"{path}: empty file, expected an ACLED CSV or a CASE-2021 TSV header")
    tabs = next(csv.reader([first], delimiter="\t", quoting=csv.QUOTE_NONE))
    if all(c in [h.strip() for h in tabs] for c in CASE_COLUMNS):
        return "case"
    commas = next(csv.reader([first]))
    if all(c in [h.strip() for h in commas] for c in ACLED_COLUMNS):
        return "acled"
    raise EvalDataError(
        f"{path}: neither an ACLED CSV (columns {', '.join(ACLED_COLUMNS)}) nor a CASE-2021 TSV "
        f"(columns {', '.join(CASE_COLUMNS)}, tab-separated)")


def read_acled_samples(path: str | Path) -> list[Sample]:
    """(notes, sub_event_type) of an ACLED CSV; rows with blank notes are skipped, an unknown
    sub-event type is an error (a typo would otherwise become a class of its own)."""
    path = Path(path)
    samples: list[Sample] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        check_columns(path, reader.fieldnames, ACLED_COLUMNS, "an ACLED CSV file")
        for number, record in enumerate(reader, start=2):
            notes = (record.get("notes") or "").strip()
            label = (record.get("sub_event_type") or "").strip()
            if not notes:
                continue
            if label not in SUB_EVENT_FRAMES:
                raise EvalDataError(f"{path}:{number}: unknown ACLED sub_event_type {label!r}")
            samples.append(Sample(notes, label, path.name))
    return samples


def read_case_samples(path: str | Path) -> list[Sample]:
    """(snippet, ACLED sub-event type or NO_EVENT) of a CASE-2021 task 2 TSV."""
    path = Path(path)
    return [Sample(text, CASE_TO_ACLED.get(label, NO_EVENT), path.name) for _, text, label in read_case(path)]


def read_samples(path: str | Path) -> tuple[str, list[Sample]]:
    """(kind, samples) of one training file, its kind told by the header."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    kind = file_kind(path)
    return kind, (read_acled_samples(path) if kind == "acled" else read_case_samples(path))


RULE_MARK = "wfrule"  # + the rules' sub-event type, letters only: one token the classifier reads


def rule_marker(sub_event_type: str | None) -> str:
    """The token that tells the classifier what the rules decided ("wfrulearmedclash";
    "wfrulenone" when they found no event): with `rule_features`, the classifier learns where
    the rules are right and where they confuse two types, instead of guessing on its own."""
    return RULE_MARK + re.sub(r"[^a-z]+", "", (sub_event_type or NO_EVENT).lower())


def with_rule(text: str, sub_event_type: str | None) -> str:
    return f"{rule_marker(sub_event_type)} {text}"


def split_key(text: str, seed: int) -> float:
    """A number in [0, 1) fixed by the text and the seed."""
    digest = hashlib.sha256(f"{seed}\x1f{' '.join(text.split())}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_heldout(text: str, seed: int, dev_fraction: float) -> bool:
    """True for the rows `watchfloor train` keeps out of training (its dev split)."""
    return split_key(text, seed) < dev_fraction


def split(samples: list[Sample], seed: int, dev_fraction: float, tune_fraction: float
          ) -> tuple[list[Sample], list[Sample], list[Sample]]:
    """(train, tune, dev). dev: held out from everything, scored at the end. tune: taken from
    the training share (the next `tune_fraction` of it) and used only to pick the epoch and the
    thresholds, never for gradient updates."""
    train: list[Sample] = []
    tune: list[Sample] = []
    dev: list[Sample] = []
    for sample in samples:
        key = split_key(sample.text, seed)
        if key < dev_fraction:
            dev.append(sample)
        elif key < dev_fraction + (1 - dev_fraction) * tune_fraction:
            tune.append(sample)
        else:
            train.append(sample)
    return train, tune, dev


def label_counts(samples: list[Sample]) -> dict[str, int]:
    return dict(sorted(Counter(s.label for s in samples).items(), key=lambda kv: (-kv[1], kv[0])))
