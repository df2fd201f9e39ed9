"""`watchfloor extract`: reports in, one event per line as JSON out (no Kafka needed)."""

from __future__ import annotations

import sys

from extraction.report import ReportError

from .common import read_reports, sub


def add_parser(subs) -> None:
    parser = sub(subs, "extract", "extract events from reports; JSON Lines on standard output",
                 "watchfloor extract samples/000_59a2029cee1cc623.txt | jq .acled_sub_event_type")
    parser.add_argument("files", nargs="*", help="text files, .jsonl files, or - for standard input (default)")
    parser.add_argument("--model", default=None, help="spaCy model name or path (default: en_core_web_sm)")
    parser.add_argument("--classifier", metavar="DIR", default=None,
                        help="a classifier written by `watchfloor train` (default: WATCHFLOOR_CLASSIFIER)")
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
    for item in read_reports(args.files):
        if isinstance(item, ReportError):
            failed += 1
            print(f"refused: {item}", file=sys.stderr)
            continue
        for event in extractor.extract(item):
            sys.stdout.write(event.model_dump_json() + "\n")
    return 1 if failed else 0
