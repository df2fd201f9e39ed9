"""`watchfloor ingest`: publish reports (text files, JSON Lines, standard input, RSS/Atom feeds) to Kafka."""

from __future__ import annotations

import sys

from extraction.report import ReportError

from .common import read_reports, sub
from .progress import Progress, add_option, wanted


def add_parser(subs) -> None:
    parser = sub(subs, "ingest", "publish reports to the reports topic (bad ones are refused with the reason)",
                 "watchfloor ingest samples/*.txt reports.jsonl   |   cat reports.jsonl | watchfloor ingest -\n"
                 "  watchfloor ingest --feed https://example.org/rss --feed https://example.org/atom --interval 300\n"
                 "  WATCHFLOOR_FEEDS=https://example.org/rss watchfloor ingest --once")
    parser.add_argument("files", nargs="*", help="text files, .jsonl files, or - for standard input (default)")
    feeds = parser.add_argument_group("feeds", "poll RSS/Atom feeds instead of reading files; entries already "
                                      "published are remembered in DATA_DIR/feeds.sqlite across restarts")
    feeds.add_argument("--feed", action="append", default=[], metavar="URL",
                       help="an RSS or Atom feed URL (repeatable; default: WATCHFLOOR_FEEDS)")
    feeds.add_argument("--interval", type=float, default=None, metavar="SECONDS",
                       help="seconds between polls (default: WATCHFLOOR_FEED_INTERVAL_SECONDS, 300)")
    feeds.add_argument("--once", action="store_true", help="poll every feed once and exit")
    add_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..settings import Settings

    settings = Settings()
    if args.feed or args.once or args.interval is not None:
        return run_feeds(args, settings)
    from ..kafka_io import ensure_topics, publish_reports

    good, refused = [], 0
    for item in read_reports(args.files):
        if isinstance(item, ReportError):
            refused += 1
            print(f"refused: {item}", file=sys.stderr)
        else:
            good.append(item)
    ensure_topics(settings)
    with Progress(wanted(args), "publishing", total=len(good)) as bar:
        sent = publish_reports(settings, good, acked=bar.update)
    print(f"published {sent} report(s) to {settings.reports_topic}; refused {refused}", file=sys.stderr)
    return 1 if refused else 0


def run_feeds(args, settings) -> int:
    from ..feeds import PollResult, SeenStore, poll_forever
    from ..kafka_io import ensure_topics, publish_reports

    if args.files:
        print("ingest: give files or feeds (--feed/--once/--interval), not both", file=sys.stderr)
        return 2
    urls = list(dict.fromkeys(args.feed or settings.feeds))
    if not urls:
        print("ingest: no feeds: pass --feed URL or set WATCHFLOOR_FEEDS", file=sys.stderr)
        return 2
    interval = args.interval if args.interval is not None else settings.feed_interval_seconds
    if interval <= 0:
        print("ingest: --interval must be more than 0 seconds", file=sys.stderr)
        return 2

    def show(result: PollResult) -> None:
        if result.error:
            print(f"feed {result.url}: failed: {result.error}", file=sys.stderr)
        elif result.not_modified:
            print(f"feed {result.url}: not modified since the last poll", file=sys.stderr)
        else:
            print(f"feed {result.url}: {result.entries} entries, published {result.published} new "
                  f"to {settings.reports_topic}, refused {result.refused}", file=sys.stderr)

    ensure_topics(settings)
    store = SeenStore(settings.data_dir / "feeds.sqlite")
    try:
        return poll_forever(urls, store, lambda reports: publish_reports(settings, reports), interval,
                            once=args.once, report=show)
    finally:
        store.close()
