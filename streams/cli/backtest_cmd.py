"""`watchfloor backtest`: reports through extraction and the rules, in event-time order.

One JSON line per alert on standard output, with what a watch officer would have received of
it (`received`: message, update, inhibited, duplicate; alerts/noise/received.py); a summary per
rule (and precision / recall for rules with `gold:` when `--acled-gold` is given) on standard
error. See rules/backtest.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date, datetime, time, timezone
from pathlib import Path

from .common import sub
from .progress import Progress, add_option, wanted

_CHUNK = 32  # reports per extraction batch (the progress bar moves by chunk)


def add_parser(subs) -> None:
    parser = sub(subs, "backtest", "replay reports through extraction and rules (windows included); alerts as JSON Lines",
                 "watchfloor backtest samples/000_59a2029cee1cc623.txt\n"
                 "  watchfloor backtest --acled-gold ../shared/eval/acled_2020_dev.csv 2>summary.txt >alerts.jsonl")
    parser.add_argument("files", nargs="*", help="text files, .jsonl files, or - for standard input")
    parser.add_argument("--rules", action="append", type=Path, default=[], metavar="DIR",
                        help="rule files or directories (repeatable; default: the packaged pack)")
    parser.add_argument("--acled-gold", type=Path, metavar="FILE.csv",
                        help="ACLED-format CSV: each row's notes are a report, its coding the gold answer")
    parser.add_argument("--published-at", metavar="DATE", type=_day,
                        help="publication date for reports that carry none (text files), e.g. 2017-11-25")
    parser.add_argument("--model", default=None, help="spaCy model name or path (default: en_core_web_sm)")
    add_option(parser)
    parser.set_defaults(run=run)


def _day(text: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2017-11-25") from None


def _admin1_resolver(gazetteer):
    from extraction.gazetteer.places import iso3

    def resolve(country_iso3: str, admin1_name: str) -> str | None:
        for entry in gazetteer.lookup(admin1_name):
            if entry.precision == "admin1" and iso3(entry.country_code) == country_iso3:
                return entry.admin1_code
        return None

    return resolve


def run(args) -> int:
    from extraction.pipeline import Extractor, PipelineConfig
    from alerts.noise.received import as_received
    from extraction.report import Report, ReportError
    from rules.backtest import read_acled, replay, score, summary
    from rules.loader import load_rules
    from rules.windows import event_time

    from ..settings import Settings
    from .common import read_reports
    from .rules_cmd import _aliases

    if not args.files and args.acled_gold is None:
        print("backtest: give report files, --acled-gold FILE.csv, or both", file=sys.stderr)
        return 2
    ruleset = load_rules(args.rules or None, aliases=_aliases())
    if ruleset.errors:
        for diagnostic in ruleset.errors:
            print(diagnostic, file=sys.stderr)
        return 1
    published = args.published_at
    settings = Settings()
    extractor = Extractor.from_config(PipelineConfig(model=args.model or settings.spacy_model,
                                                     min_population=settings.gazetteer_min_population))
    totals: Counter = Counter()
    reports: list[Report] = []
    for item in read_reports(args.files) if args.files else ():
        if isinstance(item, ReportError):
            totals["refused"] += 1
            print(f"refused: {item}", file=sys.stderr)
            continue
        reports.append(item if item.published_at or not published else item.model_copy(update={"published_at": published}))
    gold = []
    if args.acled_gold is not None:
        if not args.acled_gold.exists():
            print(f"backtest: {args.acled_gold}: no such file", file=sys.stderr)
            return 2
        gold, skipped = read_acled(args.acled_gold, _admin1_resolver(extractor.gazetteer))
        totals["gold rows"], totals["gold rows skipped"] = len(gold), skipped
        reports += [Report(id=row.report_id, text=row.text, published_at=row.published_at) for row in gold]
    totals["reports"] = len(reports)

    events = []
    with Progress(wanted(args), "extracting", total=len(reports)) as bar:
        for start in range(0, len(reports), _CHUNK):
            for found in extractor.extract_many(reports[start:start + _CHUNK]):
                events.extend(found)
            bar.update(min(_CHUNK, len(reports) - start))
    totals["events"] = len(events)
    undated = sum(event_time(e) is None for e in events)
    if undated:  # replayed at the latest event time; window/new-term rules skip them if none is dated
        totals["undated events"] = undated

    firings = list(replay(ruleset, events))
    received: dict[str, Counter] = {rule.id: Counter() for rule in ruleset.rules}
    for firing, (_, outcome) in zip(firings, as_received(_alerts(firings), {r.id: r.spec for r in ruleset.rules})):
        rule = firing.rule
        received[rule.id][outcome] += 1
        line = {"rule_id": rule.id, "title": rule.spec.title, "level": rule.spec.level,
                **({"keys": list(firing.keys)} if firing.keys else {}),
                "received": outcome, "event": firing.event.model_dump(mode="json")}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    totals["alerts"] = len(firings)
    totals["messages"] = sum(c["message"] for c in received.values())
    for text in summary(score(ruleset, firings, gold), totals, received):
        print(text, file=sys.stderr)
    return 1 if totals["refused"] else 0


def _alerts(firings):
    """The alerts of the replayed firings, each fired at its event's time (undated: the
    latest time seen before it), so incident windows measure event time as the replay does."""
    from alerts.fire import alert_for
    from rules.windows import event_time

    latest = datetime(1970, 1, 1, tzinfo=timezone.utc)
    for firing in firings:
        latest = event_time(firing.event) or latest
        yield alert_for(firing.rule, firing.event, latest)
