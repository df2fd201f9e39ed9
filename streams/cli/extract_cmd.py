"""`watchfloor extract`: reports in, one event per line as JSON out (no Kafka needed)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from itertools import islice

from extraction.report import ReportError

from .common import read_reports, sub
from .progress import Progress, add_option, wanted


def add_parser(subs) -> None:
    parser = sub(subs, "extract", "extract events from reports; JSON Lines on standard output",
                 "watchfloor extract samples/000_59a2029cee1cc623.txt | jq .acled_sub_event_type")
    parser.add_argument("files", nargs="*", help="text files, .jsonl files, or - for standard input (default)")
    parser.add_argument("--model", default=None, help="spaCy model name or path (default: en_core_web_sm)")
    parser.add_argument("--classifier", metavar="DIR", default=None,
                        help="a classifier written by `watchfloor train` (default: WATCHFLOOR_CLASSIFIER)")
    parser.add_argument("--batch-size", type=int, default=32, metavar="N",
                        help="reports extracted together (default 32; 1 writes each report's events at once)")
    add_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from extraction.classifier.model import ClassifierError
    from extraction.pipeline import Extractor, PipelineConfig

    from ..settings import Settings

    settings = Settings()
    classifier = args.classifier or settings.classifier
    try:
        extractor = Extractor.from_config(PipelineConfig(model=args.model or settings.spacy_model,
                                                         min_population=settings.gazetteer_min_population,
                                                         classifier=str(classifier) if classifier else None))
    except ClassifierError as exc:  # --classifier is not a directory written by `watchfloor train`
        print(f"watchfloor extract: {exc}", file=sys.stderr)
        return 2
    failed = 0
    with Progress(wanted(args), "extracting") as bar:
        for chunk in _batches(read_reports(args.files), max(1, args.batch_size)):
            reports = []
            for item in chunk:
                if isinstance(item, ReportError):
                    failed += 1
                    bar.write(f"refused: {item}")
                else:
                    reports.append(item)
            for events in extractor.extract_many(reports):
                for event in events:
                    sys.stdout.write(event.model_dump_json() + "\n")
            sys.stdout.flush()
            bar.update(len(chunk))
    return 1 if failed else 0


def _batches(items: Iterable, size: int) -> Iterator[list]:
    """Lists of up to `size` items, each yielded as soon as it is full (or the input ends)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
