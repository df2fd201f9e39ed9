"""`watchfloor train FILE [FILE ...] --out DIR`: train the event-type classifier (spaCy textcat).

The files are labelled data the user supplies (ACLED CSV exports, CASE-2021 task 2 TSVs, told
apart by their header). The output directory holds weights derived from them: it is refused
inside a git work tree (unless --force) and must never be committed. Use it with
`watchfloor extract --classifier DIR`, `watchfloor eval acled|case FILE --classifier DIR` or
WATCHFLOOR_CLASSIFIER=DIR.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .common import sub
from .progress import add_option

WARNING = ("note: {out} will contain weights derived from the training data ({names}); their terms apply "
           "(ACLED rows: ACLED's terms of use). Do not commit it to a repository or publish it.")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1, got {value}")
    return value


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 1 <= value <= 200:
        raise argparse.ArgumentTypeError(f"must be between 1 and 200, got {value}")
    return value


def add_parser(subs) -> None:
    from extraction.classifier.train import ARCHITECTURES, DEFAULT_ARCHITECTURE, DEFAULT_EPOCHS

    parser = sub(subs, "train", "train the event-type classifier (spaCy textcat) on ACLED CSV / CASE-2021 TSV files",
                 "watchfloor train ../shared/eval/acled_2020_dev.csv ../shared/eval/case2021_task2_dev.tsv "
                 "--out /tmp/wf-classifier\n"
                 "  watchfloor eval acled ../shared/eval/acled_2020_dev.csv --classifier /tmp/wf-classifier --heldout")
    parser.add_argument("files", nargs="+", help="ACLED CSV (notes, sub_event_type) and/or CASE-2021 TSV "
                                                 "(id, EventSnippet, SubType) files")
    parser.add_argument("--out", required=True, help="the model directory to write (outside any git work tree)")
    parser.add_argument("--dev-fraction", type=_fraction, default=0.2,
                        help="share of rows held out from training and scored at the end (default 0.2)")
    parser.add_argument("--tune-fraction", type=_fraction, default=0.1,
                        help="share of the remaining rows kept out of the updates to pick the epoch and the "
                             "thresholds (default 0.1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split, initialisation and shuffles (default 0)")
    parser.add_argument("--epochs", type=_epochs, default=DEFAULT_EPOCHS, help=f"epochs (default {DEFAULT_EPOCHS})")
    parser.add_argument("--arch", choices=ARCHITECTURES, default=DEFAULT_ARCHITECTURE,
                        help=f"textcat architecture (default {DEFAULT_ARCHITECTURE})")
    parser.add_argument("--min-per-class", type=int, default=0, metavar="N",
                        help="copy training rows of rarer classes until each has N (default 0: no copies)")
    parser.add_argument("--model", default=None, help="spaCy model of the rules, for tuning the thresholds "
                                                      "(default: WATCHFLOOR_SPACY_MODEL, en_core_web_sm)")
    parser.add_argument("--no-tune", action="store_true",
                        help="keep the default thresholds (0.5) instead of tuning them with the rules")
    parser.add_argument("--min-trusted-rows", type=int, default=50, metavar="N",
                        help="classes with fewer training rows are left to the rules (default 50)")
    parser.add_argument("--no-rule-features", action="store_true",
                        help="train on the texts alone, without the rules' decision as a feature")
    parser.add_argument("--force", action="store_true", help="write --out even inside a git work tree or over "
                                                             "a non-empty directory that is no classifier")
    add_option(parser)
    parser.set_defaults(run=run)


def git_work_tree(path: Path) -> Path | None:
    """The git work tree that contains `path` (existing or not), if any."""
    path = path.expanduser().resolve()
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _refusal(out: Path, force: bool) -> str | None:
    from extraction.classifier.model import META_NAME

    if force:
        return None
    tree = git_work_tree(out)
    if tree is not None:
        return (f"{out} is inside the git work tree {tree}: the model holds weights derived from the training "
                "data and must not be committed. Choose a directory outside it (e.g. /tmp/wf-classifier), "
                "or pass --force if you are sure it stays out of version control.")
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a directory"
    if out.is_dir() and any(out.iterdir()) and not (out / META_NAME).exists():
        return f"{out} is a non-empty directory that holds no classifier: choose another one, or pass --force"
    return None


def run(args) -> int:
    from extraction.evaluation import EvalDataError

    from .progress import Progress, wanted

    out = Path(args.out)
    refusal = _refusal(out, args.force)
    if refusal:
        print(f"watchfloor train: refused: {refusal}", file=sys.stderr)
        return 2
    for name in args.files:
        if not Path(name).is_file():
            print(f"watchfloor train: {name}: no such file", file=sys.stderr)
            return 2
    print(WARNING.format(out=out, names=", ".join(Path(f).name for f in args.files)), file=sys.stderr)

    from extraction.classifier.fit import Hooks, Options, fit

    logging.getLogger("spacy").setLevel(logging.WARNING)  # "Created vocabulary" and the like

    bars: dict = {}

    def batch(epoch: int, done: int, info: dict) -> None:
        if "loss" in info:
            bars.pop("train").close()
            tune = info.get("tune", {}).get("sub_event_type")
            scored = f", tune sub-event accuracy {tune['accuracy']:.3f}, macro-F1 {tune['macro_f1']:.3f}" if tune else ""
            print(f"epoch {epoch}: loss {info['loss']:.3f}{scored}", file=sys.stderr)
            return
        if "train" not in bars:
            bars["train"] = Progress(wanted(args), f"epoch {epoch}/{args.epochs}")
            bars["train"].start(info["total"])
        bars["train"].update(done - bars["train"].done)

    def rules(total: int, what: str) -> None:
        if "rules" in bars:
            bars.pop("rules").close()
        bars["rules"] = Progress(wanted(args), f"rules on the {what} rows")
        bars["rules"].start(total)

    def say(message: str) -> None:
        print(message, file=sys.stderr)

    factory = None
    if not args.no_tune:
        def factory():
            from extraction.pipeline import Extractor, PipelineConfig

            from ..settings import Settings

            settings = Settings()
            return Extractor.from_config(PipelineConfig(model=args.model or settings.spacy_model,
                                                        min_population=settings.gazetteer_min_population))

    options = Options(seed=args.seed, dev_fraction=args.dev_fraction, tune_fraction=args.tune_fraction,
                      epochs=args.epochs, architecture=args.arch, min_per_class=args.min_per_class,
                      rule_features=not args.no_rule_features, min_trusted_rows=args.min_trusted_rows)
    hooks = Hooks(say=say, batch=batch, rules=rules, rules_done=lambda n: bars["rules"].update(n))
    try:
        meta = fit(args.files, out, options, extractor_factory=factory, hooks=hooks)
    except (EvalDataError, ValueError) as exc:
        print(f"watchfloor train: {exc}", file=sys.stderr)
        return 2
    finally:
        if "rules" in bars:
            bars.pop("rules").close()
    print(format_meta(meta, out))
    print(WARNING.format(out=out, names=", ".join(f["name"] for f in meta["training"]["files"])), file=sys.stderr)
    return 0


def format_meta(meta: dict, out: Path) -> str:
    """What was trained, the thresholds and the held-out scores, for people."""
    training = meta["training"]
    lines = [f"classifier written to {out} ({meta['architecture']}, {len(meta['labels'])} classes, "
             f"best epoch {training['best_epoch']}/{training['epochs']}, {training['train_seconds']:.0f} s training, "
             f"{training['total_seconds']:.0f} s in all)",
             f"thresholds: override the rules at p >= {meta['thresholds']['override']:.2f}, "
             f"add an event the rules missed at p >= {meta['thresholds']['emit']:.2f}"]
    for split_name, what in (("dev", "held out"), ("tune", "tune (used to pick epoch and thresholds)")):
        result = meta["scores"].get(split_name)
        if not result:
            continue
        rows = next(iter(result.values()))["rows"]
        lines += ["", f"{what}: {rows} rows",
                  f"{'':18}{'event type acc':>15}{'sub-event acc':>15}{'sub-event macro-F1':>20}"]
        for name, value in result.items():
            lines.append(f"{name:18}{value['event_type']['accuracy']:>15.3f}{value['sub_event_type']['accuracy']:>15.3f}"
                         f"{value['sub_event_type']['macro_f1']:>20.3f}")
    if "dev" in meta["scores"]:
        lines += ["", "score the held-out rows with the whole pipeline: watchfloor eval acled|case FILE "
                      f"--classifier {out} --heldout"]
    return "\n".join(lines)
