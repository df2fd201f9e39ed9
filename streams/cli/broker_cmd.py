"""`watchfloor broker fetch|start|stop|status`: a local one-node Kafka (KRaft), no Docker."""

from __future__ import annotations

import os
from pathlib import Path

from .common import sub
from .progress import Progress, add_option, wanted


def add_parser(subs) -> None:
    parser = sub(subs, "broker", "fetch, start, stop or query a local Apache Kafka 4.0 broker",
                 "watchfloor broker start --port 9092 && watchfloor broker status")
    parser.add_argument("action", choices=["fetch", "start", "stop", "status"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("WATCHFLOOR_BROKER_PORT", 9092)))
    parser.add_argument("--controller-port", type=int, default=int(os.environ.get("WATCHFLOOR_BROKER_CONTROLLER_PORT", 9093)))
    parser.add_argument("--state-dir", type=Path, default=Path(os.environ.get("WATCHFLOOR_BROKER_DIR", "var/broker")))
    add_option(parser)
    parser.set_defaults(run=run)


def run(args) -> int:
    from ..broker import BrokerError, KafkaBroker

    try:
        if args.action == "fetch":
            print(f"Kafka jars in {_fetch(args)}")
            return 0
        broker = KafkaBroker(args.state_dir, port=args.port, controller_port=args.controller_port)
        if args.action == "start":
            _fetch(args)
            status = broker.start()
            print(f"broker running: pid {status.pid}, bootstrap {status.bootstrap}")
        elif args.action == "stop":
            broker.stop()
            print("broker stopped")
        else:
            status = broker.status()
            print(f"running pid {status.pid} bootstrap {status.bootstrap}" if status.running else "not running")
            return 0 if status.running else 3
    except BrokerError as exc:
        print(f"error: {exc}")
        return 1
    return 0


def _fetch(args) -> Path:
    """The jars, fetched on first use with a bar counting the files Maven downloads."""
    from ..broker import fetch_jars

    with Progress(wanted(args), "fetching the Kafka jars from Maven Central", unit="file") as bar:
        return fetch_jars(on_line=lambda line: bar.update(1) if line.startswith("Downloaded from") else None)
