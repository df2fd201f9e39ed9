"""`watchfloor ingest`: publish reports (text files, JSON Lines, standard input) to Kafka."""

from __future__ import annotations

import sys

from extraction.report import ReportError

from .common import read_reports, sub


def add_parser(subs) -> None:
    parser = sub(subs, "ingest", "publish reports to the reports topic (bad ones are refused with the reason)",
                 "watchfloor ingest samples/*.txt reports.jsonl   |   cat reports.jsonl | watchfloor ingest -")
    parser.add_argument("files", nargs="*", help="text files, .jsonl files, or - for standard input (default)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..kafka_io import ensure_topics, publish_reports
    from ..settings import Settings

    settings = Settings()
    good, refused = [], 0
    for item in read_reports(args.files):
        if isinstance(item, ReportError):
            refused += 1
            print(f"refused: {item}", file=sys.stderr)
        else:
            good.append(item)
    ensure_topics(settings)
    sent = publish_reports(settings, good)
    print(f"published {sent} report(s) to {settings.reports_topic}; refused {refused}", file=sys.stderr)
    return 1 if refused else 0
