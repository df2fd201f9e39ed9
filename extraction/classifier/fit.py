"""Files in, a classifier directory out: read, split, train, tune the thresholds, score, save.

The directory is a spaCy pipeline (`nlp.to_disk`, loadable with `spacy.load`) plus
`watchfloor-classifier.json`: labels, training files (name, sha256, row counts per split), the
split, thresholds, scores, date, spaCy version. The weights are derived from the training data
and carry its terms (ACLED's terms of use for ACLED rows): keep the directory out of any
repository.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .data import Sample, label_counts, read_samples, split, with_rule
from .model import META_NAME, MIN_TRAIN_ROWS, trusted_labels
from .train import DEFAULT_ARCHITECTURE, DEFAULT_EPOCHS, train
from .tune import cases, choose_thresholds, compare, rule_sub_event_types

FORMAT = "watchfloor-classifier/1"
NOTICE = ("Contains weights derived from the training files listed here, under their terms (ACLED rows: "
          "ACLED's terms of use). Do not commit it to a repository or publish it.")
SPLIT_RULE = ("a row is in `dev` when sha256(f'{seed}\\x1f{text}') read as a fraction of 2**64 is below "
              "dev_fraction (text with runs of white space as one space); in `tune` when below "
              "dev_fraction + (1 - dev_fraction) * tune_fraction; else in `train` (extraction/classifier/data.py)")


@dataclass
class Options:
    seed: int = 0
    dev_fraction: float = 0.2
    tune_fraction: float = 0.1
    epochs: int = DEFAULT_EPOCHS
    architecture: str = DEFAULT_ARCHITECTURE
    min_per_class: int = 0
    tune_thresholds: bool = True
    min_trusted_rows: int = MIN_TRAIN_ROWS  # model.trusted_labels
    rule_features: bool = True  # mark each text with the rules' decision (needs the rules: extractor_factory)


@dataclass
class Hooks:
    """Progress callbacks for a command line (all optional)."""

    say: Callable[[str], object] = lambda message: None
    batch: Callable[[int, int, dict], object] | None = None  # train.train's progress
    rules: Callable[[int, str], object] | None = None  # (rows to run the rules on, what) before a run
    rules_done: Callable[[int], object] | None = None  # rows done


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fit(paths: list[str | Path], out: str | Path, options: Options = Options(), *, extractor_factory=None,
        hooks: Hooks = Hooks()) -> dict:
    """Train on `paths`, save to `out`, return the meta written beside the weights.

    `extractor_factory()` gives a rules-only Extractor for the thresholds and the rules+classifier
    scores; without it (or with options.tune_thresholds False) the default thresholds are kept.
    """
    started = time.perf_counter()
    files, train_rows, tune_rows, dev_rows = [], [], [], []
    for name in paths:
        path = Path(name)
        kind, samples = read_samples(path)
        tr, tu, dv = split(samples, options.seed, options.dev_fraction, options.tune_fraction)
        train_rows += tr
        tune_rows += tu
        dev_rows += dv
        files.append({"name": path.name, "kind": kind, "sha256": sha256_file(path), "rows": len(samples),
                      "train": len(tr), "tune": len(tu), "dev": len(dv)})
        hooks.say(f"{path}: {kind}, {len(samples)} rows -> train {len(tr)}, tune {len(tu)}, held out {len(dv)}")
    if not train_rows:
        raise ValueError("no training rows (are the files empty, or --dev-fraction 1?)")
    extractor = extractor_factory() if extractor_factory else None
    marked = options.rule_features and extractor is not None
    fit_rows, fit_tune = train_rows, tune_rows
    if marked:  # the rules' decision as a feature: the same marker the pipeline adds (model.py)
        fit_rows = _marked(train_rows, extractor, hooks, "training")
        fit_tune = _marked(tune_rows, extractor, hooks, "tune")
    trained = train(fit_rows, fit_tune, architecture=options.architecture, epochs=options.epochs,
                    seed=options.seed, min_per_class=options.min_per_class, progress=hooks.batch)
    hooks.say(f"trained in {trained.seconds:.0f} s; best epoch on the tune rows: {trained.best_epoch}")
    labels = trained.labels
    # the classes it may override with, as TextClassifier.load will have them
    trusted = trusted_labels(labels, label_counts(train_rows), options.min_trusted_rows)
    thresholds = {"override": 0.5, "emit": 0.5}
    result_scores: dict = {}
    if extractor is not None and (tune_rows or dev_rows):
        tune_cases = _cases(tune_rows, extractor, trained.nlp, hooks, "tune", marked)
        if options.tune_thresholds:
            thresholds = choose_thresholds(tune_cases, trusted)
        if tune_cases:
            result_scores["tune"] = compare(tune_cases, trusted, thresholds)
        if dev_rows:
            result_scores["dev"] = compare(_cases(dev_rows, extractor, trained.nlp, hooks, "held out", marked),
                                           trusted, thresholds)
    elif dev_rows:
        from .train import predict, scores

        predicted = [label for label, _ in predict(trained.nlp, [s.text for s in dev_rows])]
        result_scores["dev"] = {"classifier": scores([s.label for s in dev_rows], predicted)}
    meta = _meta(files, labels, train_rows, options, trained, thresholds, result_scores,
                 time.perf_counter() - started)
    meta["rule_features"] = marked
    save(trained.nlp, meta, Path(out))
    return meta


def _cases(rows: list[Sample], extractor, nlp, hooks: Hooks, what: str, marked: bool):
    if hooks.rules is not None:
        hooks.rules(len(rows), what)
    return cases(rows, extractor, nlp, hooks.rules_done, rule_features=marked)


def _marked(rows: list[Sample], extractor, hooks: Hooks, what: str) -> list[Sample]:
    if hooks.rules is not None:
        hooks.rules(len(rows), what)
    subs = rule_sub_event_types(rows, extractor, hooks.rules_done)
    return [Sample(with_rule(s.text, sub), s.label, s.source) for s, sub in zip(rows, subs)]


def _meta(files, labels, train_rows, options: Options, trained, thresholds, result_scores, seconds) -> dict:
    import spacy

    return {
        "format": FORMAT,
        "notice": NOTICE,
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "spacy_version": spacy.__version__,
        "architecture": options.architecture,
        "labels": labels,
        "training": {
            "files": files,
            "seed": options.seed,
            "dev_fraction": options.dev_fraction,
            "tune_fraction": options.tune_fraction,
            "split": SPLIT_RULE,
            "epochs": options.epochs,
            "min_per_class": options.min_per_class,
            "min_trusted_rows": options.min_trusted_rows,
            "best_epoch": trained.best_epoch,
            "train_label_counts": label_counts(train_rows),
            "train_seconds": round(trained.seconds, 1),
            "total_seconds": round(seconds, 1),
        },
        "thresholds": thresholds,
        "scores": result_scores,
        "history": trained.history,
    }


def save(nlp, meta: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    nlp.meta["name"] = "watchfloor_classifier"
    nlp.meta["description"] = NOTICE
    nlp.to_disk(out)
    (out / META_NAME).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_meta(path: str | Path) -> dict:
    return json.loads((Path(path) / META_NAME).read_text(encoding="utf-8"))


def heldout_rows(path: str | Path, rows: list, classifier_dir: str | Path, text: Callable[[object], str]
                 ) -> tuple[list, str]:
    """The rows of `path` the classifier in `classifier_dir` never trained on, and a note saying
    which: its held-out (dev) split when the file is one of its training files (same sha256),
    else every row."""
    from .data import is_heldout
    from .model import ClassifierError

    try:
        meta = read_meta(classifier_dir)
    except (OSError, ValueError) as exc:
        raise ClassifierError(f"{classifier_dir}: no readable {META_NAME}: {exc}") from None
    training = meta.get("training", {})
    digest = sha256_file(Path(path))
    if not any(f.get("sha256") == digest for f in training.get("files", [])):
        return rows, (f"{path}: not one of the classifier's training files: all {len(rows)} rows are out of sample")
    seed, fraction = int(training["seed"]), float(training["dev_fraction"])
    kept = [row for row in rows if is_heldout(text(row), seed, fraction)]
    return kept, (f"{path}: a training file of the classifier: scoring only its held-out rows "
                  f"({len(kept)} of {len(rows)}; seed {seed}, dev fraction {fraction})")
