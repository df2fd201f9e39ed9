"""`watchfloor routes show|test|check`: the routing tree, and where a given alert would go."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import sub

EXAMPLE = ("watchfloor routes test --label level=critical --label country_code=SYR --label tags=military\n"
           "  watchfloor routes test --report samples/000_59a2029cee1cc623.txt\n"
           "  watchfloor routes test --alert alert.json --expect slack:syria-watch,ops-webhook\n"
           "  watchfloor routes show --file receivers.yaml")


def add_parser(subs) -> None:
    parser = sub(subs, "routes", "show the routing tree, or test where an alert would go (like amtool config routes test)",
                 EXAMPLE)
    parser.epilog += ("\n\nexit codes: 0 done (test: and the receivers are the --expect ones); 1 the receivers file "
                      "has errors, or test: other receivers than --expect; 2 bad arguments or input")
    parser.add_argument("action", choices=["show", "test", "check"],
                        help="show: print the tree; test: route labels, an alert or a report; check: validate the file")
    parser.add_argument("--file", type=Path, default=None,
                        help="the receivers file (default: WATCHFLOOR_RECEIVERS_FILE)")
    parser.add_argument("--label", action="append", default=[], metavar="NAME=VALUE",
                        help="test: a label of the alert (repeat it; repeat a name for several values, e.g. tags)")
    parser.add_argument("--alert", metavar="FILE", help="test: an alert as JSON (the alerts topic's payload; - for stdin)")
    parser.add_argument("--report", metavar="FILE", help="test: a report (text or .jsonl) through extraction and rules")
    parser.add_argument("--expect", metavar="R1,R2", default=None,
                        help="test: exit 1 unless the receivers are exactly these (in any order)")
    parser.set_defaults(run=run)


def _config(args):
    from ..runtime import load_receivers_file
    from ..settings import Settings

    settings = Settings()
    if args.file is not None:
        settings = settings.model_copy(update={"receivers_file": args.file})
    return settings, load_receivers_file(settings, need_secrets=False)


def _check(config) -> int:
    """Every finding as `file:line:col CODE message`, then a summary; 1 when any is an error."""
    from ..runtime import DEFAULT_RECEIVERS

    if config is None:
        print(f"no receivers file (WATCHFLOOR_RECEIVERS_FILE): receivers {', '.join(DEFAULT_RECEIVERS)}, "
              "each rule's notify decides")
        return 0
    for diagnostic in config.diagnostics:
        print(f"{'' if diagnostic.severity == 'error' else 'warning: '}{diagnostic}")
    errors = len(config.errors)
    names = dict.fromkeys([*DEFAULT_RECEIVERS, *config.receivers])
    summary = (f"{config.file}: {errors} error(s), {len(config.diagnostics) - errors} warning(s)" if errors else
               f"{config.file}: {len(names)} receiver(s) ({', '.join(names)}), "
               f"{'a routing tree' if config.tree else 'no routing tree'}, {len(config.diagnostics)} warning(s)")
    print(summary, file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


def _labels(pairs: list[str]) -> dict[str, list[str]] | None:
    from alerts.routing.labels import KNOWN, known_label

    labels: dict[str, list[str]] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            print(f"routes: --label {pair!r} is not NAME=VALUE, e.g. --label level=critical", file=sys.stderr)
            return None
        if not known_label(name.strip()):
            # A mistyped label would silently route as if it were absent.
            print(f"routes: unknown label {name.strip()!r} (labels: {', '.join(KNOWN)}, or an event field "
                  "such as event_type)", file=sys.stderr)
            return None
        labels.setdefault(name.strip(), []).append(value.strip())
    return labels


def _alerts(args, settings) -> list | None:
    """The alerts to route: from --alert, or from --report through extraction and the rules."""
    from alerts.model import Alert

    if args.alert:
        try:
            text = sys.stdin.read() if args.alert == "-" else Path(args.alert).read_text(encoding="utf-8")
            return [Alert.model_validate_json(text)]
        except (OSError, ValueError) as exc:
            print(f"routes: {args.alert}: not an alert: {exc}", file=sys.stderr)
            return None
    from alerts.fire import alerts_for
    from extraction.pipeline import Extractor, PipelineConfig
    from extraction.report import ReportError

    from ..runtime import load_ruleset, utcnow
    from .common import read_reports

    ruleset = load_ruleset(settings)
    if ruleset.errors:
        for diagnostic in ruleset.errors:
            print(diagnostic, file=sys.stderr)
        return None
    extractor = Extractor.from_config(PipelineConfig(model=settings.spacy_model,
                                                     min_population=settings.gazetteer_min_population))
    found = []
    for report in read_reports([args.report]):
        if isinstance(report, ReportError):
            print(f"routes: {report}", file=sys.stderr)
            return None
        for event in extractor.extract(report):
            found.extend(alerts_for(ruleset, event, event.source.published_at or utcnow()))
    return found


def _expected(args, receivers: tuple[str, ...]) -> bool:
    if args.expect is None:
        return True
    wanted = {r.strip() for r in args.expect.split(",") if r.strip()}
    if wanted == set(receivers):
        return True
    print(f"routes: expected {', '.join(sorted(wanted))}; got {', '.join(receivers) or '(none)'}", file=sys.stderr)
    return False


def run(args) -> int:
    from alerts.routing import alert_values, explain, given_values
    from alerts.routing.show import render_routing, render_tree


    settings, config = _config(args)
    tree = config.tree if config else None
    if args.action == "check":
        return _check(config)
    if config is not None and config.errors:
        for diagnostic in config.errors:
            print(diagnostic, file=sys.stderr)
        print(f"{config.file}: {len(config.errors)} error(s); see `watchfloor routes check`", file=sys.stderr)
        return 1
    if args.action == "show":
        sys.stdout.write(render_tree(tree) if tree else f"{NO_TREE_SHOW}\n")
        return 0
    if sum(map(bool, (args.label, args.alert, args.report))) != 1:
        print("routes test: give --label NAME=VALUE (repeatable), --alert FILE or --report FILE (one of them)",
              file=sys.stderr)
        return 2
    if args.label:
        labels = _labels(args.label)
        if labels is None:
            return 2
        routing = explain(given_values(labels), tree) if tree else None
        sys.stdout.write(render_routing(routing, tuple(labels.get("notify", ()))))
        return 0 if _expected(args, routing.receivers if routing else tuple(labels.get("notify", ()))) else 1
    alerts = _alerts(args, settings)
    if alerts is None:
        return 2
    if not alerts:
        print("routes: no rule fired on this report: nothing to route", file=sys.stderr)
        return 0 if args.expect is None else 1
    ok = True
    for alert in alerts:
        routing = explain(alert_values(alert), tree) if tree else None
        print(f"alert {alert.rule_id} [{alert.level}] {alert.alert_id}")
        sys.stdout.write(render_routing(routing, alert.receivers))
        ok = _expected(args, routing.receivers if routing else alert.receivers) and ok
    return 0 if ok else 1


NO_TREE_SHOW = ("no routing tree: each rule's notify names its receivers "
                "(set WATCHFLOOR_RECEIVERS_FILE to a file with a route: section; docs/receivers.md)")
