"""Evaluation built in: score extraction against labelled data (ACLED rows, CASE-2021 snippets).

The labelled files are real data under their owners' terms (see ../shared/eval/README.md): tools
take their path as an argument and nothing of them is ever stored in this repository.

- `metrics`: pure scores over (gold, predicted) pairs (accuracy, per-class P/R/F1, macro and
  weighted F1, exact match for integers), no third-party dependency.
- `acled`: ACLED CSV rows -> reports -> predictions -> scores per field.
- `case`: CASE-2021 task 2 snippets -> reports -> predicted ACLED sub-event type mapped to the
  CASE label -> scores.

This module holds what both share: the data error and the batched run over an extractor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

BATCH_SIZE = 64
NONE = "none"  # the prediction when a report yields no event


class EvalDataError(ValueError):
    """An evaluation file that cannot be read as the expected dataset (reason meant for people)."""


class Extracts(Protocol):
    def extract_many(self, reports): ...  # pragma: no cover - structural type


def run_batches(
    extractor: Extracts,
    reports: Sequence,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], object] | None = None,
) -> list[list]:
    """Events per report, extracted `batch_size` reports at a time (nlp.pipe batches inside).

    `progress` is called with the number of reports done after each batch (e.g. tqdm.update).
    """
    out: list[list] = []
    for start in range(0, len(reports), batch_size):
        batch = reports[start:start + batch_size]
        out.extend(extractor.extract_many(batch))
        if progress is not None:
            progress(len(batch))
    return out


def missing_columns(header: Sequence[str] | None, required: Sequence[str]) -> list[str]:
    present = set(header or ())
    return [c for c in required if c not in present]


def check_columns(path, header: Sequence[str] | None, required: Sequence[str], what: str) -> None:
    """Raise EvalDataError naming the missing columns and the ones found."""
    if not header:
        raise EvalDataError(f"{path}: empty file, expected the header row of {what}")
    missing = missing_columns(header, required)
    if missing:
        found = ", ".join(repr(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in "\t,;"):
            hint = "; only one column was read: is the file separated by another character?"
        raise EvalDataError(
            f"{path}: not {what}: missing column(s) {', '.join(missing)} (found: {found}){hint}"
        )
