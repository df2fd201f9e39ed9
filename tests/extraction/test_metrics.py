"""extraction.evaluation.metrics against hand-computed scores.

The worked example used below (gold a a a b b c; predicted a a b b c none):
  a: predicted twice, both right -> P = 1, R = 2/3, F1 = 2·1·(2/3) / (5/3) = 0.8
  b: predicted twice (rows 3 and 4), one right -> P = 1/2, R = 1/2, F1 = 0.5
  c: predicted once (row 5, gold b), never right -> P = R = F1 = 0
  accuracy 3/6; macro F1 (0.8 + 0.5 + 0) / 3 = 0.4333; weighted (0.8·3 + 0.5·2 + 0·1) / 6 = 0.5667
"""

import pytest

from extraction.evaluation.metrics import (
    ClassScore,
    accuracy,
    confusion_matrix,
    confusions,
    exact_match,
    macro_f1,
    per_class,
    summary,
    weighted_f1,
)

WORKED = list(zip("aaabbc", ["a", "a", "b", "b", "c", "none"]))

# (pairs, labels, accuracy, macro F1, weighted F1)
CASES = [
    pytest.param([("a", "a"), ("b", "b")], None, 1.0, 1.0, 1.0, id="perfect"),
    pytest.param([("a", "b"), ("b", "a")], None, 0.0, 0.0, 0.0, id="all-swapped"),
    pytest.param([], None, 0.0, 0.0, 0.0, id="empty"),
    pytest.param(WORKED, None, 0.5, 1.3 / 3, 3.4 / 6, id="worked-example"),
    # Only a and b averaged: macro (0.8 + 0.5) / 2; weighted (0.8·3 + 0.5·2) / 5; accuracy counts all rows.
    pytest.param(WORKED, ["a", "b"], 0.5, 0.65, 0.68, id="worked-example-labels-a-b"),
    # z is predicted once and never gold: F1 0 in the macro mean, weight 0 in the weighted mean.
    pytest.param([("a", "a"), ("b", "z")], ["a", "z"], 0.5, 0.5, 1.0, id="label-without-support"),
    # "none" (no event) is never gold: by default it is not a class of the averages.
    pytest.param([("a", "none"), ("a", "a")], None, 0.5, 2 / 3, 2 / 3, id="none-not-averaged"),
    pytest.param([(1, 1), (2, 1), (2, 2)], None, 2 / 3, (2 / 3 + 2 / 3) / 2, (2 / 3 + 2 * 2 / 3) / 3, id="integer-labels"),
]


@pytest.mark.parametrize(("pairs", "labels", "acc", "macro", "weighted"), CASES)
def test_scores(pairs, labels, acc, macro, weighted):
    assert accuracy(pairs) == pytest.approx(acc)
    assert macro_f1(pairs, labels) == pytest.approx(macro)
    assert weighted_f1(pairs, labels) == pytest.approx(weighted)
    assert summary(pairs, labels) == pytest.approx(
        {"accuracy": acc, "macro_f1": macro, "weighted_f1": weighted, "support": len(pairs)})


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        pytest.param("a", ClassScore("a", 1.0, 2 / 3, 0.8, 3, 2), id="a"),
        pytest.param("b", ClassScore("b", 0.5, 0.5, 0.5, 2, 2), id="b"),
        pytest.param("c", ClassScore("c", 0.0, 0.0, 0.0, 1, 1), id="c-predicted-wrongly"),
    ],
)
def test_per_class(label, expected):
    got = per_class(WORKED)[label]
    assert (got.label, got.support, got.predicted) == (expected.label, expected.support, expected.predicted)
    assert (got.precision, got.recall, got.f1) == pytest.approx((expected.precision, expected.recall, expected.f1))


def test_per_class_default_labels_are_gold_labels():
    assert list(per_class(WORKED)) == ["a", "b", "c"]


def test_per_class_explicit_label_never_seen():
    assert per_class(WORKED, ["q"])["q"] == ClassScore("q", 0.0, 0.0, 0.0, 0, 0)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([(0, 0), (3, 3)], 1.0, id="all-equal"),
        pytest.param([(1, 1), (0, 0), (3, 2), (2, None)], 0.5, id="none-prediction-is-wrong"),
        pytest.param([(None, 5), (4, 4)], 1.0, id="no-gold-left-out"),
        pytest.param([(None, 1)], 0.0, id="nothing-to-score"),
        pytest.param([], 0.0, id="empty"),
    ],
)
def test_exact_match(pairs, expected):
    assert exact_match(pairs) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("pairs", "top", "expected"),
    [
        pytest.param(WORKED, None, [("a", "b", 1), ("b", "c", 1), ("c", "none", 1)], id="ties-by-gold-name"),
        pytest.param(WORKED + [("c", "none")], 1, [("c", "none", 2)], id="most-frequent-first"),
        pytest.param([("a", "a")], None, [], id="no-errors"),
    ],
)
def test_confusions(pairs, top, expected):
    assert confusions(pairs, top=top) == expected


@pytest.mark.parametrize(
    ("pairs", "labels", "expected"),
    [
        pytest.param(WORKED, None, {"labels": ["a", "b", "c", "none"],
                                    "counts": [[2, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]},
                     id="rows-by-gold-support-then-name"),
        pytest.param([("x", "y"), ("y", "z")], ["y", "x"], {"labels": ["y", "x"], "counts": [[0, 0], [1, 0]]},
                     id="explicit-labels-leave-others-out"),
        pytest.param([], None, {"labels": [], "counts": []}, id="empty"),
    ],
)
def test_confusion_matrix(pairs, labels, expected):
    assert confusion_matrix(pairs, labels) == expected
