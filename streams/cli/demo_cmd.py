"""`watchfloor demo`: the whole path on this machine, with nothing configured.

Starts a local broker (unless WATCHFLOOR_KAFKA_BOOTSTRAP names one), starts a worker process,
ingests the sample reports, prints every alert as it arrives on the alerts topic, waits until
the pipeline has drained, then stops the worker and the broker. With no Slack token or SMTP
server configured, rendered messages land in the outbox folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from extraction.report import ReportError

from .common import read_reports, sub
from .progress import Progress, add_option, wanted


def add_parser(subs) -> None:
    parser = sub(subs, "demo", "run broker + worker locally on the sample reports and print the alerts",
                 "watchfloor demo            # or: make demo")
    parser.add_argument("files", nargs="*", help="reports to ingest (default: the samples folder)")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds to wait for the pipeline to drain")
    add_option(parser)
    parser.set_defaults(run=run)


def _samples() -> list[str]:
    here = Path.cwd() / "samples"
    return sorted(str(p) for p in here.glob("*") if p.suffix in (".txt", ".jsonl"))


def _print_alert(alert: dict, write=print) -> None:
    event = alert["event"]
    place = event.get("location") or {}
    where = ", ".join(x for x in (place.get("name"), place.get("admin1_name"), place.get("country")) if x) or "unknown place"
    victims = "; ".join(
        f"{v.get('rank') or v['text']} ({v['outcome']}{', retired' if v.get('status') == 'retired' else ''})"
        for v in event.get("victims", [])
    )
    write("\n".join([
        f"\n  ALERT [{alert['level'].upper()}] {alert['title']}",
        f"    what : {event['event_type']} / {event.get('acled_sub_event_type')}",
        f"    who  : {', '.join(a['name'] for a in event.get('actors', [])) or 'unidentified'}"
        + (f" -> {victims}" if victims else ""),
        f"    where: {where} [{place.get('admin1_code') or '-'}]  dead: {event.get('fatalities')}",
        f"    proof: \"{event['evidence']['text'][:160]}\"",
        f"    rule : {alert['rule_id']}  receivers: {', '.join(alert['receivers'])}",
    ]))


def _watch_alerts(settings, stop: threading.Event, seen: list, write) -> None:
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(settings.alerts_topic, **settings.kafka_client_kwargs(), group_id=None,
                             auto_offset_reset="earliest", enable_auto_commit=False)
    try:
        while not stop.is_set():
            for records in consumer.poll(timeout_ms=300).values():
                for record in records:
                    alert = json.loads(record.value)
                    seen.append(alert)
                    _print_alert(alert, write)
    finally:
        consumer.close()


def run(args) -> int:
    from ..broker import KafkaBroker, fetch_jars, free_ports
    from ..kafka_io import ensure_topics, publish_reports, wait_drained
    from ..settings import Settings

    reports, refused = [], 0
    for item in read_reports(args.files or _samples()):
        if isinstance(item, ReportError):
            refused += 1
            print(f"refused: {item}")
        else:
            reports.append(item)
    run_id = uuid.uuid4().hex[:8]
    base = Path("var") / "demo"
    broker = None
    env = dict(os.environ)
    if not env.get("WATCHFLOOR_KAFKA_BOOTSTRAP"):
        port, controller = free_ports(2)
        print(f"starting a local Kafka broker on 127.0.0.1:{port} ...", flush=True)
        broker = KafkaBroker(base / "broker", port=port, controller_port=controller, libs=fetch_jars())
        broker.start()
        env["WATCHFLOOR_KAFKA_BOOTSTRAP"] = broker.bootstrap
    # A fresh consumer group (app id) and topics per run: the demo shows this run's alerts only.
    env.update({
        "WATCHFLOOR_APP_ID": f"watchfloor-demo-{run_id}",
        "WATCHFLOOR_REPORTS_TOPIC": f"demo-{run_id}.reports",
        "WATCHFLOOR_EVENTS_TOPIC": f"demo-{run_id}.events",
        "WATCHFLOOR_ALERTS_TOPIC": f"demo-{run_id}.alerts",
        "WATCHFLOOR_DELIVERIES_DLQ_TOPIC": f"demo-{run_id}.deliveries.dlq",
        "WATCHFLOOR_DELIVERIES_RETRY_TOPIC": f"demo-{run_id}.deliveries.retry",
        "WATCHFLOOR_GROUPS_TOPIC": f"demo-{run_id}.alerts.groups",
        "WATCHFLOOR_GROUPS_DUE_TOPIC": f"demo-{run_id}.alerts.groups.due",
        "WATCHFLOOR_SILENCES_TOPIC": f"demo-{run_id}.silences",
        "WATCHFLOOR_DATA_DIR": str(base / run_id),
    })
    os.environ.update(env)
    settings = Settings()
    worker = None
    stop = threading.Event()
    seen: list = []
    try:
        ensure_topics(settings)
        log_path = base / f"worker-{run_id}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:
            worker = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        print(f"worker started (pid {worker.pid}, log {log_path})", flush=True)
        bar = Progress(wanted(args), "pipeline", unit="alert")

        def write(text: str) -> None:  # each alert prints above the bar and moves it on
            bar.write(text, sys.stdout)
            bar.update(1)

        watcher = threading.Thread(target=_watch_alerts, args=(settings, stop, seen, write), daemon=True)
        watcher.start()
        sent = publish_reports(settings, reports)
        print(f"ingested {sent} report(s) into {settings.reports_topic}; refused {refused}", flush=True)
        started = time.monotonic()
        with bar:
            drained = wait_drained(settings, settings.app_id, timeout=args.timeout, alive=lambda: worker.poll() is None,
                                   on_lag=lambda lag: bar.status(f"{lag} message(s) waiting" if lag >= 0 else "starting"))
        if worker.poll() is not None:
            print(f"the worker exited early with code {worker.returncode}; see {log_path}")
            return 1
        time.sleep(1.0)  # let the watcher print the last alerts
        stop.set()
        watcher.join(timeout=5)
        if not drained:
            print(f"the pipeline did not drain within {args.timeout:.0f}s; see {log_path}")
            return 1
        print(f"\n{len(reports)} report(s) -> {len(seen)} alert(s) in {time.monotonic() - started:.1f}s")
        outbox = Path(settings.outbox_dir)
        if outbox.exists():
            print(f"rendered Slack messages and emails (no receiver configured): {outbox.resolve()}/")
        return 0
    finally:
        stop.set()
        if worker and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        if broker is not None:
            broker.stop()
            print("broker stopped", flush=True)


