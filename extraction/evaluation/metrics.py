"""Scores over (gold, predicted) pairs: pure functions, no third-party dependency.

Conventions (the same as scikit-learn's with `zero_division=0`, stated so that numbers can be
checked by hand):

- precision of a class = correct predictions of it / all predictions of it (0 when never
  predicted); recall = correct / gold support (0 when no support); F1 = 2PR / (P + R), 0 when
  P + R = 0.
- `labels` chooses the classes averaged over. By default they are the gold labels (classes with
  support > 0): a prediction that is never gold, such as "none" (no event extracted), lowers the
  recall of the gold class it missed but is not itself one of the classes averaged.
  With explicit `labels`, every pair still counts (as scikit-learn's `labels=`): a wrong
  prediction of a listed class lowers its precision even when the gold label is unlisted.
- macro F1 = unweighted mean of per-class F1 over `labels`; weighted F1 = mean weighted by gold
  support over `labels` (0 when the listed classes have no support).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass

Pair = tuple[Hashable, Hashable]


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int  # gold count
    predicted: int  # prediction count

    def as_dict(self) -> dict:
        return asdict(self)


def _pairs(pairs: Iterable[Pair]) -> list[Pair]:
    return [(g, p) for g, p in pairs]


def accuracy(pairs: Iterable[Pair]) -> float:
    """Share of pairs whose prediction equals the gold value (0.0 for no pairs)."""
    items = _pairs(pairs)
    return sum(g == p for g, p in items) / len(items) if items else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def per_class(pairs: Iterable[Pair], labels: Sequence[Hashable] | None = None) -> dict[Hashable, ClassScore]:
    """Precision, recall, F1, support and prediction count for each label (gold labels by default)."""
    items = _pairs(pairs)
    gold = Counter(g for g, _ in items)
    predicted = Counter(p for _, p in items)
    correct = Counter(g for g, p in items if g == p)
    chosen = list(labels) if labels is not None else sorted(gold, key=str)
    scores = {}
    for label in chosen:
        precision = correct[label] / predicted[label] if predicted[label] else 0.0
        recall = correct[label] / gold[label] if gold[label] else 0.0
        scores[label] = ClassScore(str(label), precision, recall, _f1(precision, recall), gold[label], predicted[label])
    return scores


def macro_f1(pairs: Iterable[Pair], labels: Sequence[Hashable] | None = None) -> float:
    scores = per_class(pairs, labels)
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def weighted_f1(pairs: Iterable[Pair], labels: Sequence[Hashable] | None = None) -> float:
    scores = per_class(pairs, labels)
    total = sum(s.support for s in scores.values())
    return sum(s.f1 * s.support for s in scores.values()) / total if total else 0.0


def exact_match(pairs: Iterable[tuple[int | None, int | None]]) -> float:
    """Share of integer pairs that agree exactly; pairs with no gold value are left out.

    A missing prediction (None) never matches a gold integer.
    """
    items = [(g, p) for g, p in pairs if g is not None]
    return sum(g == p for g, p in items) / len(items) if items else 0.0


def confusions(pairs: Iterable[Pair], top: int | None = 10) -> list[tuple[Hashable, Hashable, int]]:
    """The most frequent (gold, predicted, count) disagreements, most frequent first."""
    counts = Counter((g, p) for g, p in pairs if g != p)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0][0]), str(item[0][1])))
    return [(g, p, n) for (g, p), n in ordered[:top]]


def confusion_matrix(pairs: Iterable[Pair], labels: Sequence[Hashable] | None = None) -> dict:
    """{"labels", "counts"}: counts[i][j] = pairs with gold labels[i] predicted as labels[j].

    Labels default to every gold and predicted value, by gold support then name; pairs whose
    gold or prediction is not among explicit `labels` are left out.
    """
    items = _pairs(pairs)
    if labels is None:
        gold = Counter(g for g, _ in items)
        seen = {v for pair in items for v in pair}
        labels = sorted(seen, key=lambda v: (-gold[v], str(v)))
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(index) for _ in index]
    for g, p in items:
        if g in index and p in index:
            counts[index[g]][index[p]] += 1
    return {"labels": list(labels), "counts": counts}


def summary(pairs: Iterable[Pair], labels: Sequence[Hashable] | None = None) -> dict:
    """Accuracy, macro and weighted F1 and support of one labelled field, JSON-ready."""
    items = _pairs(pairs)
    return {
        "accuracy": accuracy(items),
        "macro_f1": macro_f1(items, labels),
        "weighted_f1": weighted_f1(items, labels),
        "support": len(items),
    }
