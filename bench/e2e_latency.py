"""2. End to end on the real broker: produce -> the local Slack Web API receives the message.

One real worker process (`watchfloor worker`, default settings but its own topics and group)
delivers to a local Slack Web API server (tests/peers/slack_api.py) in this process, which
stamps every request with time.monotonic() on arrival. The rules folder is generated: one rule
that fires on any ASSAULT with dedup key [report_id] and notifies slack, so each report fires
exactly one alert. Each report has a unique id; the Slack message's context block carries
`Report: <id>` (alerts/render/slack.py), which maps a request back to its produce time.

After a warm-up (the first reports must come out as Slack messages), reports are produced at a
steady rate (default 10/s for 60 s) on a fixed schedule; latency = arrival - produce time.
"""

from __future__ import annotations

import json
import re
import time
import uuid

from .common import (Result, TopicWatcher, check_alive, create_topics, give_up, percentile, pipeline, say,
                     temp_dir, worker_process)

TARGET_P99_MS = 500
TOKEN = "xoxb-bench-token"
TEXT = "A Brigadier in the regime forces was killed in an IED explosion near Maskanah."
RULE = """\
id: bench-any-assault
title: Bench assault
level: high
when:
  event_type: ASSAULT
dedup: {key: [report_id], within: 1h}
notify: [slack]
"""
_REPORT_ID = re.compile(r"Report: (\S+)")


def report_id_of(body: dict) -> str | None:
    """The report id in a chat.postMessage body's context block (`Report: <id>`)."""
    for block in body.get("blocks") or ():
        if block.get("type") != "context":
            continue
        for element in block.get("elements") or ():
            match = _REPORT_ID.search(element.get("text", ""))
            if match:
                return match.group(1)
    return None


def _arrivals(slack) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for request in slack.calls("chat.postMessage"):
        rid = report_id_of(request.body)
        if rid is not None:
            out.setdefault(rid, []).append(request.received_at)
    return out


def _stages(ids, produced_wall, watcher, settings, arrived, wall_minus_mono) -> None:
    """Where the time goes, from the CreateTime of the event and alert records the worker
    produced: report produced -> event record (batch wait + extraction), -> alert record
    (match), -> Slack request received (deliver). Same machine, same clock."""
    events, alerts = watcher.stamped[settings.events_topic], watcher.stamped[settings.alerts_topic]
    stages: dict[str, list[float]] = {"extract": [], "match": [], "deliver": []}
    for rid in ids:
        if rid in events and rid in alerts and rid in arrived:
            stages["extract"].append((events[rid] - produced_wall[rid]) * 1000)
            stages["match"].append((alerts[rid] - events[rid]) * 1000)
            stages["deliver"].append((arrived[rid][0] + wall_minus_mono - alerts[rid]) * 1000)
    if stages["extract"]:
        say("e2e: by stage (Kafka CreateTime of the worker's event and alert records), ms: "
            + "; ".join(f"{name} p50 {percentile(v, 50):.0f} p95 {percentile(v, 95):.0f} p99 {percentile(v, 99):.0f}"
                        for name, v in stages.items()))


def run(args) -> Result:
    from kafka import KafkaProducer

    from tests.peers.slack_api import SlackApiServer

    bootstrap = args.broker.bootstrap()
    run_id = uuid.uuid4().hex[:8]
    with temp_dir("wf-bench-e2e-") as root, SlackApiServer() as slack:
        rules = root / "rules"
        rules.mkdir()
        (rules / "bench.yaml").write_text(RULE)
        pipe = pipeline(bootstrap, root, {
            "WATCHFLOOR_RULES_DIRS": str(rules),
            "WATCHFLOOR_SLACK_BOT_TOKEN": TOKEN,
            "WATCHFLOOR_SLACK_CHANNEL": "#bench",
            "WATCHFLOOR_SLACK_BASE_URL": slack.base_url,
        })
        settings = pipe.settings
        create_topics(settings)
        say(f"e2e: worker batch window {settings.batch_window_seconds}s, batch size {settings.batch_size}, "
            f"{settings.partitions} partitions")
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
        watcher = TopicWatcher(bootstrap, [settings.events_topic, settings.alerts_topic], settings.partitions)
        produced: dict[str, float] = {}
        produced_wall: dict[str, float] = {}

        def send(rid: str) -> None:
            value = json.dumps({"id": rid, "text": TEXT, "source": "bench"}).encode()
            produced_wall[rid] = time.time()
            produced[rid] = time.monotonic()
            producer.send(settings.reports_topic, key=rid.encode(), value=value)
            producer.flush(timeout=10)  # out of the client now, like a single ingest call

        try:
            with worker_process(pipe) as worker:
                # Warm-up: first report until its message arrives (model load, group join), then a
                # few seconds at the measured rate.
                started = time.monotonic()
                send(f"warm-{run_id}-0")
                while f"warm-{run_id}-0" not in _arrivals(slack):
                    check_alive(worker)
                    if time.monotonic() - started > args.e2e_startup_timeout:
                        give_up(f"no Slack message {args.e2e_startup_timeout:.0f}s after the first report", worker)
                    time.sleep(0.1)
                say(f"e2e: first alert reached Slack {time.monotonic() - started:.1f}s after the worker started")
                period = 1.0 / args.e2e_rate
                for i in range(1, int(args.e2e_rate * args.e2e_warmup) + 1):
                    send(f"warm-{run_id}-{i}")
                    time.sleep(period)

                count = int(args.e2e_rate * args.e2e_seconds)
                ids = [f"e2e-{run_id}-{i:05d}" for i in range(count)]
                say(f"e2e: producing {count} reports at {args.e2e_rate:g}/s for {args.e2e_seconds:g}s")
                t0 = time.monotonic()
                for i, rid in enumerate(ids):
                    delay = t0 + i * period - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    send(rid)
                lateness = time.monotonic() - (t0 + (count - 1) * period)
                deadline = time.monotonic() + args.e2e_drain_timeout
                while time.monotonic() < deadline:
                    arrived = _arrivals(slack)
                    if all(rid in arrived for rid in ids):
                        break
                    check_alive(worker)
                    time.sleep(0.2)
                else:
                    say(f"e2e: WARNING not every report reached Slack within {args.e2e_drain_timeout:.0f}s")
                time.sleep(1.0)  # anything after that would be a duplicate: count it
                arrived = _arrivals(slack)
                wall_minus_mono = time.time() - time.monotonic()
        finally:
            producer.close()
            watcher.close()
        _stages(ids, produced_wall, watcher, settings, arrived, wall_minus_mono)

    latencies = [(arrived[rid][0] - produced[rid]) * 1000 for rid in ids if rid in arrived]
    missing = [rid for rid in ids if rid not in arrived]
    duplicates = sum(len(arrived[rid]) - 1 for rid in ids if rid in arrived)
    say(f"e2e: producer finished {lateness * 1000:.0f} ms after schedule; {len(latencies)}/{count} delivered, "
        f"{len(missing)} missing, {duplicates} duplicate message(s)")
    if not latencies:
        return Result("e2e", "no message delivered", f"p99 < {TARGET_P99_MS} ms", False)
    p50, p95, p99 = (percentile(latencies, q) for q in (50, 95, 99))
    if missing:  # an undelivered report is slower than any delivered one
        p99 = percentile(latencies + [float("inf")] * len(missing), 99)
    say(f"e2e: latency ms min {min(latencies):.0f}, p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f}, "
        f"max {max(latencies):.0f}, mean {sum(latencies) / len(latencies):.0f}")
    figure = f"produce -> Slack p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms ({len(latencies)}/{count} delivered)"
    return Result("e2e", figure, f"p99 < {TARGET_P99_MS} ms", p99 < TARGET_P99_MS and not missing and not duplicates,
                  {"p50": p50, "p95": p95, "p99": p99, "missing": len(missing), "duplicates": duplicates})


def add_arguments(parser) -> None:
    group = parser.add_argument_group("e2e")
    group.add_argument("--e2e-rate", type=float, default=10.0, help="reports per second")
    group.add_argument("--e2e-seconds", type=float, default=60.0, help="seconds of steady production")
    group.add_argument("--e2e-warmup", type=float, default=5.0, help="seconds at that rate before measuring")
    group.add_argument("--e2e-startup-timeout", type=float, default=240.0)
    group.add_argument("--e2e-drain-timeout", type=float, default=120.0)
