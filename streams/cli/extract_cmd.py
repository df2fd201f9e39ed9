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
    parser.set_defaults(run=run)


def run(args) -> int:
    from extraction.pipeline import Extractor, PipelineConfig

    from ..settings import Settings

    settings = Settings()
    extractor = Extractor.from_config(PipelineConfig(model=args.model or settings.spacy_model,
                                                     min_population=settings.gazetteer_min_population))
    failed = 0
    for item in read_reports(args.files):
        if isinstance(item, ReportError):
            failed += 1
            print(f"refused: {item}", file=sys.stderr)
            continue
        for event in extractor.extract(item):
            sys.stdout.write(event.model_dump_json() + "\n")
    return 1 if failed else 0
