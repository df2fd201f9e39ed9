"""The `watchfloor` command: one entry point, a sub-command per job.

Heavy imports (faust, spaCy) happen inside the sub-commands that need them, so
`watchfloor rules check` and `--help` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

# Every `<name>_cmd.py` module in this package is a sub-command (it defines add_parser(subs)).
ORDER = ("worker", "broker", "ingest", "extract", "eval", "rules", "backtest", "routes", "silence", "demo", "config")


def _commands() -> list:
    names = [m.name for m in pkgutil.iter_modules(__path__) if m.name.endswith("_cmd")]
    names.sort(key=lambda n: (ORDER.index(n[:-4]) if n[:-4] in ORDER else len(ORDER), n))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="watchfloor",
        description="Event-stream alerting for conflict watch floors: reports on Kafka -> events -> rules -> alerts.",
        epilog="Quick start: `make demo` (everything local), `make test`. Settings come from WATCHFLOOR_* variables.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--log-format", choices=["text", "json"], default=None,
                        help="log lines as text or one JSON object each (default: WATCHFLOOR_LOG_FORMAT, else text)")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _commands():
        module.add_parser(subs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from ..logs import configure

    log_format = args.log_format
    if log_format is None:
        try:
            from ..settings import Settings

            log_format = Settings().log_format
        except Exception:  # noqa: BLE001 - a bad setting is reported by the command that needs it
            log_format = "text"
    configure(log_format, logging.DEBUG if args.verbose else logging.INFO)
    # kafka-python logs every connection at INFO and retried leader moves as warnings: keep
    # the terminal for what users need (-v shows everything).
    logging.getLogger("kafka").setLevel(logging.DEBUG if args.verbose else logging.ERROR)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
