"""Thresholds for the classifier beside the rules, and scores of rules + classifier together.

The rules run once over the rows (an `Extractor` without classifier); the classifier scores the
text of each report's first event (the one the evaluation scores, `acled.lead_event`) (as `apply.classified` gives it) or, for a report
without events, the whole text. Every pair of thresholds on a grid is then replayed with
`model.decide`, the same decision the pipeline makes, and the pair with the best sub-event
accuracy + macro-F1 is kept (the lowest thresholds on a tie).

The grid starts at 0.5, on purpose: the tune rows are like the training rows, where the
classifier is at its best, and there even its wildest guesses beat the rules (the tuned
threshold would be 0). On another genre it is less sure and less right (on a multi-event SOHR
article an ACLED-trained model calls an IED assassination "Other"): a class it gives less than
even odds must not overrule the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extraction.evaluation.acled import lead_event
from extraction.events.frames import Frame
from extraction.report import Report

from .apply import CONTEXT_CHARS, frame_of, segments
from .data import NO_EVENT, Sample, with_rule
from .model import DEFAULT_THRESHOLDS, average, best, decide
from .train import probabilities, scores

GRID = tuple(round(0.05 * i, 2) for i in range(10, 20))  # 0.50 .. 0.95


@dataclass(frozen=True)
class Case:
    gold: str
    rule_frame: Frame | None  # the most confident rule event's frame, None without events
    label: str  # the classifier's best class for that event's text (or the whole report)
    probability: float


def rule_sub_event_types(samples: list[Sample], extractor, progress: Callable[[int], object] | None = None,
                         batch_size: int = 64) -> list[str | None]:
    """The sub-event type of the rules' first event per row (None: no event), for rule features."""
    out: list[str | None] = []
    for start in range(0, len(samples), batch_size):
        batch = samples[start:start + batch_size]
        reports = [Report(id=f"row-{start + i}", text=s.text) for i, s in enumerate(batch)]
        for events in extractor.extract_many(reports):
            lead = lead_event(events)
            out.append(lead.acled_sub_event_type if lead else None)
        if progress is not None:
            progress(len(batch))
    return out


def cases(samples: list[Sample], extractor, nlp, progress: Callable[[int], object] | None = None,
          batch_size: int = 64, rule_features: bool = False) -> list[Case]:
    """Run the rules over the rows and the classifier over the text the pipeline would give it
    (marked with the rules' decision when the classifier was trained with `rule_features`)."""
    texts, frames, contexts = [], [], []
    for start in range(0, len(samples), batch_size):
        batch = samples[start:start + batch_size]
        reports = [Report(id=f"row-{start + i}", text=s.text) for i, s in enumerate(batch)]
        for sample, events in zip(batch, extractor.extract_many(reports)):
            top = lead_event(events)
            texts.append(sample.text if top is None else segments(sample.text, events)[events.index(top)])
            frames.append(None if top is None else frame_of(top))
            contexts.append(sample.text if len(events) > 1 and len(sample.text) <= CONTEXT_CHARS else None)
        if progress is not None:
            progress(len(batch))
    if rule_features:
        subs = [f.acled_sub_event_type if f else None for f in frames]
        texts = [with_rule(t, sub) for t, sub in zip(texts, subs)]
        contexts = [None if c is None else with_rule(c, sub) for c, sub in zip(contexts, subs)]
    cats = probabilities(nlp, texts)
    context_cats = iter(probabilities(nlp, [c for c in contexts if c is not None]))
    predicted = [best(c if context is None else average(c, next(context_cats))) for c, context in zip(cats, contexts)]
    return [Case(s.label, f, label, p) for s, f, (label, p) in zip(samples, frames, predicted)]


def replay(rows: list[Case], labels, override: float, emit: float) -> list[str]:
    """The sub-event type the pipeline predicts per row with these thresholds ("none": no event)."""
    out = []
    for row in rows:
        frame = decide(row.label, row.probability, row.rule_frame, labels, override, emit) or row.rule_frame
        out.append(frame.acled_sub_event_type if frame else NO_EVENT)
    return out


def _objective(result: dict) -> float:
    sub = result["sub_event_type"]
    return sub["accuracy"] + sub["macro_f1"]


def choose_thresholds(rows: list[Case], labels) -> dict[str, float]:
    """The (override, emit) pair of GRID that scores best on `rows` (defaults when no rows)."""
    if not rows:
        return dict(DEFAULT_THRESHOLDS)
    gold = [r.gold for r in rows]
    best_value, best_pair = -1.0, (DEFAULT_THRESHOLDS["override"], DEFAULT_THRESHOLDS["emit"])
    for override in GRID:
        for emit in GRID:
            value = _objective(scores(gold, replay(rows, labels, override, emit)))
            if value > best_value + 1e-9:
                best_value, best_pair = value, (override, emit)
    return {"override": best_pair[0], "emit": best_pair[1]}


def compare(rows: list[Case], labels, thresholds: dict[str, float]) -> dict:
    """Scores of the rules alone, the classifier alone and both together on `rows`."""
    gold = [r.gold for r in rows]
    rules = [r.rule_frame.acled_sub_event_type if r.rule_frame else NO_EVENT for r in rows]
    alone = [r.label for r in rows]
    both = replay(rows, labels, thresholds["override"], thresholds["emit"])
    return {"rules": scores(gold, rules), "classifier": scores(gold, alone), "rules+classifier": scores(gold, both)}
