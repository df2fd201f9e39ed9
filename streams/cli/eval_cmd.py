"""`watchfloor eval acled|case FILE`: score extraction against labelled data, print the tables.

The labelled files are real data under their owners' terms: they are read where they are
(e.g. ../shared/eval) and nothing of them is written unless --json / --errors ask for it.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

from .common import sub
from .progress import Progress, add_option, wanted

DATASETS = {
    "acled": ("score against ACLED rows (CSV export with notes, event_type, sub_event_type, admin1, fatalities)",
              "watchfloor eval acled ../shared/eval/acled_2020_dev.csv --limit 500 --json /tmp/acled.json"),
    "case": ("score against CASE-2021 task 2 snippets (TSV: id, EventSnippet, SubType; read unquoted)",
             "watchfloor eval case ../shared/eval/case2021_task2_dev.tsv"),
}


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_parser(subs) -> None:
    parser = sub(subs, "eval", "score extraction against labelled data (ACLED CSV, CASE-2021 TSV)",
                 "watchfloor eval acled ../shared/eval/acled_2020_dev.csv --limit 500")
    kinds = parser.add_subparsers(dest="dataset", metavar="DATASET", required=True)
    for name, (help_text, example) in DATASETS.items():
        kind = sub(kinds, name, help_text, example)
        kind.add_argument("file", help="the labelled file")
        kind.add_argument("--limit", type=_positive, default=None, help="only the first N rows")
        kind.add_argument("--model", default=None, help="spaCy model name or path (default: en_core_web_sm)")
        kind.add_argument("--json", dest="json_out", metavar="OUT", default=None,
                          help="also write the scores as JSON to OUT")
        kind.add_argument("--errors", metavar="OUT", default=None,
                          help="write every row with a wrong field as JSON Lines to OUT (it quotes the "
                               "evaluation data: keep it out of the repository)")
        kind.add_argument("--matrix", action="store_true",
                          help="also print the confusion matrix of sub-event types (rows gold, columns predicted)")
        kind.add_argument("--batch-size", type=_positive, default=64, help="reports per batch (default 64)")
        add_option(kind)
        kind.add_argument("--classifier", metavar="DIR", default=None,
                          help="a classifier written by `watchfloor train` (default: WATCHFLOOR_CLASSIFIER)")
        kind.add_argument("--heldout", action="store_true",
                          help="score only the rows the classifier held out from its training (with --classifier)")
        kind.set_defaults(run=run)


def run(args) -> int:
    path = Path(args.file)
    if not path.exists():
        print(f"watchfloor eval {args.dataset}: {path}: no such file", file=sys.stderr)
        return 2
    if not path.is_file():
        print(f"watchfloor eval {args.dataset}: {path}: not a file", file=sys.stderr)
        return 2
    from extraction.classifier.model import ClassifierError
    from extraction.evaluation import EvalDataError
    from extraction.pipeline import Extractor, PipelineConfig

    from ..settings import Settings

    module = _module(args.dataset)
    try:
        rows = module.read_acled(path, args.limit) if args.dataset == "acled" else module.read_case(path, args.limit)
    except EvalDataError as exc:
        print(f"watchfloor eval {args.dataset}: {exc}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(f"watchfloor eval {args.dataset}: {path}: not UTF-8 ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 2
    except csv.Error as exc:
        print(f"watchfloor eval {args.dataset}: {path}: unreadable as CSV/TSV: {exc}", file=sys.stderr)
        return 2
    if not rows:
        print(f"watchfloor eval {args.dataset}: {path}: no rows to evaluate", file=sys.stderr)
        return 2
    settings = Settings()
    model = args.model or settings.spacy_model
    classifier = args.classifier or settings.classifier
    if args.heldout:  # the rows a trained classifier never saw (extraction/classifier/fit.py)
        from extraction.classifier.fit import heldout_rows

        if not classifier:
            print(f"watchfloor eval {args.dataset}: --heldout needs --classifier DIR", file=sys.stderr)
            return 2
        try:
            text = (lambda r: r.text) if args.dataset == "acled" else (lambda r: r[1])
            rows, note = heldout_rows(path, rows, classifier, text)
        except ClassifierError as exc:
            print(f"watchfloor eval {args.dataset}: {exc}", file=sys.stderr)
            return 2
        print(note, file=sys.stderr)
        if not rows:
            print(f"watchfloor eval {args.dataset}: {path}: no held-out rows to evaluate", file=sys.stderr)
            return 2
    started = time.perf_counter()
    try:
        extractor = Extractor.from_config(PipelineConfig(model=model, min_population=settings.gazetteer_min_population,
                                                         batch_size=args.batch_size,
                                                         classifier=str(classifier) if classifier else None))
    except ClassifierError as exc:  # --classifier is not a directory written by `watchfloor train`
        print(f"watchfloor eval {args.dataset}: {exc}", file=sys.stderr)
        return 2
    loaded = time.perf_counter()
    progress = Progress(wanted(args), f"eval {args.dataset}")
    progress.start(len(rows))
    try:
        result, records = module.evaluate_rows(rows, extractor, batch_size=args.batch_size, progress=progress.update)
    finally:
        progress.close()
    finished = time.perf_counter()
    result.update(file=str(path), model=model, seconds=round(finished - loaded, 2),
                  load_seconds=round(loaded - started, 2), classifier=str(classifier) if classifier else None,
                  heldout=args.heldout)
    print(format_result(result))
    if args.matrix:
        print("\n" + format_matrix(result["matrix"]["sub_event_type"]))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.errors:
        with Path(args.errors).open("w", encoding="utf-8") as handle:
            for record in records:
                if False in record["ok"].values():
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def _module(dataset: str):
    if dataset == "acled":
        from extraction.evaluation import acled

        return acled
    from extraction.evaluation import case

    return case


# --- tables --------------------------------------------------------------------------------

def _num(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else ("-" if value is None else str(value))


def _table(header: list[str], rows: list[list]) -> str:
    """Text columns left-aligned, numbers right-aligned."""
    numeric = [bool(rows) and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows)
               for i in range(len(header))]
    cells = [header] + [[_num(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _top_confusions(result: dict, label: str, n: int = 3) -> str:
    wrong = [(p, c) for g, p, c in result["confusions"]["sub_event_type"] if g == label][:n]
    return ", ".join(f"{p}: {c}" for p, c in wrong)


def format_matrix(matrix: dict) -> str:
    """The confusion matrix as a table: one row per gold class, numbered columns for the
    predicted ones (the row numbers), zeros shown as dots so the errors stand out."""
    labels, counts = matrix["labels"], matrix["counts"]
    width = max((len(str(c)) for row in counts for c in row), default=1)
    head = [f"{i + 1:>{width}}" for i in range(len(labels))]
    name = max((len(str(label)) for label in labels), default=4) + 4
    lines = ["sub_event_type confusion matrix (rows: gold, columns: predicted, numbered as the rows)",
             " " * name + "  " + " ".join(head) + "  gold"]
    for i, (label, row) in enumerate(zip(labels, counts)):
        cells = " ".join(f"{c:>{max(width, len(head[j]))}}" if c else "." .rjust(max(width, len(head[j])))
                         for j, c in enumerate(row))
        lines.append(f"{i + 1:>2}. {str(label):<{name - 4}}  {cells}  {sum(row)}")
    return "\n".join(lines)


def format_result(result: dict) -> str:
    """The printed report: per-field scores, per-class table, most frequent confusions."""
    fields = result["fields"]
    seconds = result.get("seconds")
    rate = f", {result['rows'] / seconds:.0f} reports/s" if seconds else ""
    title = (f"{result['dataset']} evaluation of {result.get('file', '?')}: {result['rows']} rows, "
             f"{result['no_event']} without any event"
             + (f", {seconds:.1f} s extraction{rate} (+{result.get('load_seconds', 0):.1f} s model load)" if seconds else ""))
    out = [title, ""]
    rows = []
    for name in ("event_type", "sub_event_type"):
        if name in fields:
            f = fields[name]
            rows.append([name, f["accuracy"], f["macro_f1"], f["weighted_f1"], f["support"]])
    if "admin1" in fields:
        rows.append(["admin1", fields["admin1"]["accuracy"], None, None, fields["admin1"]["support"]])
    if "fatalities" in fields:
        f = fields["fatalities"]
        rows.append([f"fatalities ({f['rule']}, exact)", f["exact"], None, None, f["support"]])
    out.append(_table(["field", "accuracy", "macro-F1", "weighted-F1", "support"], rows))
    if "fatalities" in fields:
        f = fields["fatalities"]
        others = ", ".join(f"{k} {v:.3f}" for k, v in f["exact_by_rule"].items())
        out.append(f"fatalities exact by rule: {others}; when gold > 0: {f['exact_when_gold_positive']:.3f}; "
                   f"{f['unscored']} rows not scored (notes say coded as / split / spread)")
    sub_event = fields.get("sub_event_type", {})
    if "weighted_f1_25" in sub_event:
        out.append(f"CASE labels: weighted F1 over the 25 ACLED labels {sub_event['weighted_f1_25']:.3f} "
                   f"(macro {sub_event['macro_f1_25']:.3f}); over all 30 labels {sub_event['weighted_f1_30']:.3f}; "
                   f"accuracy on the {sub_event['support_acled_labels']} snippets with an ACLED label "
                   f"{sub_event['accuracy_on_acled_labels']:.3f}")
    classes = [c for c in result["per_class"]["sub_event_type"] if c["support"] or c["predicted"]]
    classes.sort(key=lambda c: (-c["support"], c["label"]))
    out += ["", "sub_event_type per class", _table(
        ["class", "support", "predicted", "precision", "recall", "F1", "most often predicted instead"],
        [[c["label"], c["support"], c["predicted"], c["precision"], c["recall"], c["f1"],
          _top_confusions(result, c["label"])] for c in classes])]
    top = result["confusions"]["sub_event_type"][:15]
    if top:
        out += ["", "most frequent confusions (gold -> predicted)",
                _table(["gold", "predicted", "count"], [[g, p, n] for g, p, n in top])]
    return "\n".join(out)
