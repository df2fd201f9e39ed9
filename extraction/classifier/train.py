"""Train a spaCy `textcat` (exclusive classes) on labelled texts: spaCy's own training API.

A blank English pipeline with one `textcat` component; `nlp.initialize` then `nlp.update` over
shuffled minibatches for a fixed number of epochs, seeded (`spacy.util.fix_random_seed`, and a
seeded shuffle). After each epoch the tune rows are scored and the best epoch's weights kept.

Architectures (all train on 2 CPU cores in minutes on a few thousand short texts). Classifier
alone on the 933 held-out rows of acled_2020_dev.csv (seed 0), sub-event accuracy / macro-F1,
epoch picked on the tune rows, s per epoch on 2 cores:
- "reduce" (default): `spacy.TextCatReduce.v1`, a small CNN (hash embeddings of NORM, PREFIX,
  SUFFIX, SHAPE, width 64, 2 maxout window layers) with mean+max pooling: 0.877 / 0.585, ~8 s;
- "bow": `spacy.TextCatBOW.v3`, unigram+bigram bag of words: 0.848 / 0.528, ~10 s;
- "ensemble": `spacy.TextCatEnsemble.v2`, the bag of words plus the same CNN with attention:
  0.846 / 0.530, ~27 s.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from extraction.evaluation.metrics import summary
from extraction.events.frames import frame_for_sub_event

from .data import NO_EVENT, Sample

ARCHITECTURES = ("reduce", "bow", "ensemble")
DEFAULT_ARCHITECTURE = "reduce"
DEFAULT_EPOCHS = 12


def _bow(ngram_size: int = 2, length: int = 2**18) -> dict:
    return {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": ngram_size,
            "no_output_layer": False, "length": length, "nO": None}


def _tok2vec(width: int = 64) -> dict:
    return {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": width,
                  "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"], "rows": [5000, 1000, 2500, 2500],
                  "include_static_vectors": False},
        "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width, "window_size": 1,
                   "maxout_pieces": 3, "depth": 2},
    }


def model_config(architecture: str) -> dict:
    """The `model` block of the textcat component for one of ARCHITECTURES."""
    if architecture == "bow":
        return _bow()
    if architecture == "ensemble":
        return {"@architectures": "spacy.TextCatEnsemble.v2", "tok2vec": _tok2vec(), "linear_model": _bow(),
                "nO": None}
    if architecture == "reduce":
        return {"@architectures": "spacy.TextCatReduce.v1", "tok2vec": _tok2vec(), "exclusive_classes": True,
                "use_reduce_first": False, "use_reduce_last": False, "use_reduce_max": True,
                "use_reduce_mean": True, "nO": None}
    raise ValueError(f"unknown architecture {architecture!r} (one of {', '.join(ARCHITECTURES)})")


def event_type(label: str) -> str:
    """The ACLED event type of a sub-event type ("none" for NO_EVENT)."""
    frame = frame_for_sub_event(label)
    return frame.acled_event_type if frame else NO_EVENT


def scores(gold: list[str], predicted: list[str]) -> dict:
    """Classifier-alone scores: sub-event type accuracy and F1 (over the gold classes), event type
    accuracy and F1 (derived from the sub-event types)."""
    sub = summary(list(zip(gold, predicted)))
    event = summary([(event_type(g), event_type(p)) for g, p in zip(gold, predicted)])
    return {"rows": len(gold), "sub_event_type": {k: round(v, 4) for k, v in sub.items()},
            "event_type": {k: round(v, 4) for k, v in event.items()}}


@dataclass
class Trained:
    nlp: object
    labels: list[str]
    best_epoch: int
    history: list[dict] = field(default_factory=list)  # per epoch: loss and tune scores
    seconds: float = 0.0


def build(labels: list[str], architecture: str, seed: int):
    import spacy
    from spacy.util import fix_random_seed

    fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": model_config(architecture)})
    for label in labels:
        textcat.add_label(label)
    return nlp


def log_loss(gold: list[str], cats: list[dict[str, float]]) -> float:
    """Mean negative log probability of the gold class."""
    return sum(-math.log(max(c.get(g, 0.0), 1e-9)) for g, c in zip(gold, cats)) / len(gold) if gold else 0.0


def probabilities(nlp, texts: list[str], batch_size: int = 64) -> list[dict[str, float]]:
    from .model import MAX_CHARS

    return [dict(doc.cats) for doc in nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=batch_size)]


def predict(nlp, texts: list[str], batch_size: int = 64) -> list[tuple[str, float]]:
    from .model import best

    return [best(cats) for cats in probabilities(nlp, texts, batch_size)]


def oversample(rows: list[Sample], min_per_class: int, seed: int) -> list[Sample]:
    """The rows plus copies of those of rare classes, so that every class has at least
    `min_per_class` rows (copies drawn in a seeded order; 0 = no copies)."""
    by_label: dict[str, list[Sample]] = {}
    for row in rows:
        by_label.setdefault(row.label, []).append(row)
    out = list(rows)
    draw = random.Random(seed)
    for label in sorted(by_label):
        group = by_label[label]
        missing = max(0, min_per_class - len(group))
        order = draw.sample(group, len(group))
        out += [order[i % len(order)] for i in range(missing)]
    return out


def train(
    train_rows: list[Sample],
    tune_rows: list[Sample],
    *,
    architecture: str = DEFAULT_ARCHITECTURE,
    epochs: int = DEFAULT_EPOCHS,
    seed: int = 0,
    dropout: float = 0.2,
    batch_size: int = 16,
    min_per_class: int = 0,
    progress: Callable[[int, int, dict], object] | None = None,
) -> Trained:
    """Fit a textcat on `train_rows`; keep the epoch that scores best on `tune_rows`
    (sub-event accuracy + macro-F1, then the lower log loss; the last epoch without tune rows).

    `progress(epoch, examples_done, info)` is called after each minibatch (info = {"total": the
    number of training examples}) and after each epoch (info = the epoch's loss and tune scores).
    """
    from spacy.training import Example
    from spacy.util import minibatch

    from .model import best

    if not train_rows:
        raise ValueError("no training rows")
    started = time.perf_counter()
    labels = sorted({s.label for s in train_rows} | {s.label for s in tune_rows})
    nlp = build(labels, architecture, seed)
    examples = [Example.from_dict(nlp.make_doc(s.text), {"cats": {label: float(label == s.label) for label in labels}})
                for s in oversample(train_rows, min_per_class, seed)]
    optimizer = nlp.initialize(lambda: examples)
    shuffle = random.Random(seed)
    best_score, best_epoch, best_bytes = (-1.0, 0.0), 0, None
    history = []
    for epoch in range(1, epochs + 1):
        shuffle.shuffle(examples)
        losses: dict[str, float] = {}
        done = 0
        for batch in minibatch(examples, size=batch_size):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
            done += len(batch)
            if progress is not None:
                progress(epoch, done, {"total": len(examples)})
        info = {"epoch": epoch, "loss": round(losses.get("textcat", 0.0), 4)}
        if tune_rows:
            cats = probabilities(nlp, [s.text for s in tune_rows])
            info["tune"] = scores([s.label for s in tune_rows], [best(c)[0] for c in cats])
            info["tune"]["log_loss"] = round(log_loss([s.label for s in tune_rows], cats), 4)
            sub = info["tune"]["sub_event_type"]
            value = (sub["accuracy"] + sub["macro_f1"], -info["tune"]["log_loss"])
        else:
            value = (float(epoch), 0.0)
        history.append(info)
        if value > best_score:
            best_score, best_epoch, best_bytes = value, epoch, nlp.get_pipe("textcat").to_bytes()
        if progress is not None:
            progress(epoch, done, info)
    if best_bytes is not None:
        nlp.get_pipe("textcat").from_bytes(best_bytes)
    return Trained(nlp, labels, best_epoch, history, time.perf_counter() - started)
