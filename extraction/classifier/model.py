"""Load a trained classifier and decide, per text, whether its sub-event type replaces the rules'.

`TextClassifier` is the `classify` hook of `extraction.events.build.events_from_doc`: called
with a text, the frame the rules chose for it (None when the rules found no event in the
report) and the whole report when the text is only a part of it, it returns the frame to use
instead, or None to keep the rules' decision:

- the class probabilities are those of the text, averaged with those of the whole report when
  it is passed as context (a short report the rules split into several events, see apply.py;
  on the 933 held-out ACLED rows, 215 of them such: classifier-alone sub-event accuracy 0.871
  with the average vs 0.821 for the part alone and 0.877 for the whole report);
- the classifier's best class must be an ACLED sub-event type (not NO_EVENT) with a probability
  of at least `override` (rules found an event) or `emit` (rules found none); both thresholds
  are tuned by `watchfloor train` and stored in the model's meta;
- a rule frame whose sub-event type the classifier was never trained on (e.g. "Chemical weapon"
  after training on ACLED rows that have none), or trained on with fewer than MIN_TRAIN_ROWS
  rows, is kept, and the classifier never overrides the rules with such a class either
  (`trusted_labels`): it cannot know that class well enough.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from extraction.events.frames import Frame, frame_for_sub_event

from .data import NO_EVENT, with_rule

META_NAME = "watchfloor-classifier.json"
MAX_CHARS = 5000  # texts are cut here before classification (a long report's start tells its type)
DEFAULT_THRESHOLDS = {"override": 0.5, "emit": 0.5}


class ClassifierError(ValueError):
    """A directory that is not a classifier written by `watchfloor train` (reason for people)."""


class TextClassifier:
    """A spaCy `textcat` pipeline plus the thresholds and provenance of watchfloor's meta."""

    def __init__(self, nlp, meta: dict | None = None, path: Path | None = None):
        self.nlp = nlp
        self.meta = meta or {}
        self.path = path
        self.labels: tuple[str, ...] = tuple(nlp.get_pipe("textcat").labels)
        thresholds = {**DEFAULT_THRESHOLDS, **self.meta.get("thresholds", {})}
        training = self.meta.get("training", {})
        self.trusted = trusted_labels(self.labels, training.get("train_label_counts"),
                                      int(training.get("min_trusted_rows", MIN_TRAIN_ROWS)))
        self.override = float(thresholds["override"])
        self.emit = float(thresholds["emit"])

    @classmethod
    def load(cls, path: str | Path) -> "TextClassifier":
        import spacy

        path = Path(path)
        meta_path = path / META_NAME
        if not path.is_dir():
            raise ClassifierError(f"{path}: no such directory (train one with `watchfloor train`)")
        if not meta_path.is_file():
            raise ClassifierError(f"{path}: not a watchfloor classifier (no {META_NAME}; "
                                  "train one with `watchfloor train`)")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ClassifierError(f"{meta_path}: unreadable: {exc}") from None
        try:
            nlp = spacy.load(path)
        except (OSError, ValueError) as exc:
            raise ClassifierError(f"{path}: cannot load the spaCy pipeline: {exc}") from None
        if "textcat" not in nlp.pipe_names:
            raise ClassifierError(f"{path}: the spaCy pipeline has no textcat component")
        return cls(nlp, meta, path)

    def scores(self, texts: Iterable[str], batch_size: int = 64) -> list[dict[str, float]]:
        """Class probabilities per text."""
        docs = self.nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=batch_size)
        return [dict(doc.cats) for doc in docs]

    def predict(self, texts: Iterable[str], batch_size: int = 64) -> list[tuple[str, float]]:
        """(best class, its probability) per text."""
        return [best(cats) for cats in self.scores(texts, batch_size)]

    def decide(self, label: str, probability: float, rule_frame: Frame | None) -> Frame | None:
        """The frame that replaces `rule_frame` (None: keep the rules' decision)."""
        return decide(label, probability, rule_frame, self.trusted, self.override, self.emit)

    @property
    def rule_features(self) -> bool:
        """Trained on texts marked with the rules' decision (data.rule_marker)."""
        return bool(self.meta.get("rule_features"))

    def __call__(self, text: str, rule_frame: Frame | None, context: str | None = None) -> Frame | None:
        if self.rule_features:
            sub = rule_frame.acled_sub_event_type if rule_frame else None
            text = with_rule(text, sub)
            context = None if context is None else with_rule(context, sub)
        cats = self.scores([text] if context is None else [text, context])
        label, probability = best(cats[0] if context is None else average(cats[0], cats[1]))
        return self.decide(label, probability, rule_frame)

    def __repr__(self) -> str:
        return (f"TextClassifier({str(self.path)!r}, {len(self.labels)} labels, "
                f"override>={self.override:.2f}, emit>={self.emit:.2f})")


def decide(label: str, probability: float, rule_frame: Frame | None, labels: tuple[str, ...] | set[str],
           override: float, emit: float) -> Frame | None:
    """The classifier's frame when it should replace the rules' decision, else None."""
    if label == NO_EVENT:
        return None
    if rule_frame is None:
        return frame_for_sub_event(label) if probability >= emit else None
    if rule_frame.acled_sub_event_type not in labels or label not in labels or label == rule_frame.acled_sub_event_type:
        return None
    return frame_for_sub_event(label) if probability >= override else None


MIN_TRAIN_ROWS = 50  # a class the classifier saw less often than this is the rules' to decide


def trusted_labels(labels, train_counts: dict[str, int] | None, minimum: int = MIN_TRAIN_ROWS) -> frozenset[str]:
    """The classes the classifier may override the rules with or from: those it was trained on
    with at least `minimum` rows (all of them when the counts are unknown). On a rare class
    (a base established, a grenade) the rules' explicit patterns beat a guess from a few rows:
    on the held-out ACLED rows one such override cost more macro-F1 than all others gained."""
    if not train_counts:
        return frozenset(labels)
    return frozenset(label for label in labels if train_counts.get(label, 0) >= minimum)


def average(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    return {label: (a.get(label, 0.0) + b.get(label, 0.0)) / 2 for label in a.keys() | b.keys()}


def best(cats: dict[str, float]) -> tuple[str, float]:
    if not cats:
        return NO_EVENT, 0.0
    label = max(cats, key=lambda k: cats[k])
    return label, float(cats[label])


def load_classifier(path: str | Path | None) -> TextClassifier | None:
    """The classifier in `path`, or None when no path is given."""
    return TextClassifier.load(path) if path else None
