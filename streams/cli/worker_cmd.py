"""`watchfloor worker`: run the stream processors (extract, match, deliver)."""

from __future__ import annotations

from .common import sub


def add_parser(subs) -> None:
    parser = sub(subs, "worker", "run the faust worker: reports -> events -> alerts -> Slack/email",
                 "WATCHFLOOR_KAFKA_BOOTSTRAP=127.0.0.1:9092 watchfloor worker")
    parser.add_argument("--loglevel", default="info", choices=["debug", "info", "warning", "error"])
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..app import run_worker
    from ..kafka_io import ensure_topics
    from ..settings import Settings

    settings = Settings()
    ensure_topics(settings)
    run_worker(settings, loglevel=args.loglevel)
    return 0
