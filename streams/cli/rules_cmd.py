"""`watchfloor rules check|test`: validate rule files; run their tests through real extraction."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import sub
from .progress import Progress, add_option, wanted


def add_parser(subs) -> None:
    parser = sub(subs, "rules", "check rule files (file:line:col CODE message) or run the tests they carry",
                 "watchfloor rules check rules/default my-rules/ --format json\n  watchfloor rules test")
    parser.add_argument("action", choices=["check", "test"])
    parser.add_argument("paths", nargs="*", type=Path, help="rule files or directories (default: the packaged pack)")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    add_option(parser)
    parser.set_defaults(run=run)


def _aliases():
    from ..runtime import actor_aliases

    return actor_aliases()


def _receivers() -> tuple[str, ...]:
    """The receivers a rule's notify may name: `slack`, `email` and the receivers file's."""
    from ..runtime import receiver_names
    from ..settings import Settings

    return receiver_names(Settings())


def run(args) -> int:
    from rules.cli import check

    if args.action == "check":
        return check(args.paths, args.format, receivers=_receivers(), aliases=_aliases())
    return run_tests(args.paths, wanted(args))


def run_tests(paths: list[Path], progress: bool = False) -> int:
    """Each rule test's text goes through extraction and its rule; exit 1 on any failure."""
    from datetime import datetime, timezone

    from extraction.pipeline import Extractor, PipelineConfig
    from extraction.report import Report, report_from_text_file
    from rules.loader import load_rules

    from ..settings import Settings

    ruleset = load_rules(paths or None, receivers=_receivers(), aliases=_aliases())
    if ruleset.errors:
        for diagnostic in ruleset.errors:
            print(diagnostic, file=sys.stderr)
        return 1
    settings = Settings()
    extractor = Extractor.from_config(PipelineConfig(model=settings.spacy_model, min_population=settings.gazetteer_min_population))
    passed = failed = 0
    cases = [(rule, number, test) for rule in ruleset.rules for number, test in enumerate(rule.spec.tests, start=1)]
    with Progress(progress, "rule tests", total=len(cases), unit="test") as bar:
        for rule, number, test in cases:
            if test.file:
                report = report_from_text_file(Path(rule.file).parent / test.file)
            else:
                report = Report(id=f"{rule.id}-test-{number}", text=test.text or "",
                                published_at=test.published_at or datetime(2020, 1, 1, tzinfo=timezone.utc))
            events = extractor.extract(report)
            fired = _fired(rule, events)
            ok = bool(fired) == (test.expect == "fire")
            mismatched = _field_mismatches(fired, test.fields) if ok and fired and test.fields else []
            ok = ok and not mismatched
            passed, failed = passed + ok, failed + (not ok)
            status = "PASS" if ok else "FAIL"
            detail = "" if ok else f": expected {test.expect}, got {'fire' if fired else 'no-fire'}" + (
                f"; fields {mismatched}" if mismatched else f" ({len(events)} event(s): {[e.acled_sub_event_type for e in events]})")
            bar.write(f"{status} {rule.id} test {number} ({rule.file}){detail}", sys.stdout)
            bar.update(1)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _fired(rule, events) -> list:
    """Events on which `rule` fires, windows and new terms included (fresh state per test)."""
    from rules.engine import fire
    from rules.loader import RuleSet

    only = RuleSet(rules=[rule])
    state: dict = {}
    return [event for event in events if fire(only, event, state, now=event.source.published_at)]


def _field_mismatches(events, expected: dict) -> list[str]:
    from rules.conditions import get_value

    event = events[0]
    return [f"{path}: expected {value!r}, got {get_value(event, path)!r}"
            for path, value in expected.items() if get_value(event, path) != value]
