"""4. Scale-out: one worker vs two worker processes (one consumer group) on two partitions.

For each configuration a fresh pipeline (topics with 2 partitions, consumer group, state dir)
runs the real worker process(es) with the default rules (alerts land in a temporary outbox).
Once the group is stable with every worker in it and a warm-up report on each partition has
come out as events, N multi-sentence reports are produced, alternating partitions, as fast as
the producer goes. Drain time = first produce -> the first event of the last report seen on
the events topic (every report yields at least one event; a background consumer records when
each report's first event arrives). Speed-up = drain(1 worker) / drain(2 workers).
"""

from __future__ import annotations

import json
import time
import uuid

from .common import (Result, TopicWatcher, check_alive, cpu_seconds, create_topics, give_up, load_average,
                     pipeline, say, synthetic_report, temp_dir, worker_process)

TARGET = 1.8
PARTITIONS = 2


def group_state(bootstrap: str, group: str) -> tuple[str | None, int]:
    """(state, number of members) of a consumer group."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="wf-bench-group")
    try:
        described = admin.describe_groups([group])
    except Exception:  # noqa: BLE001 - the coordinator may not know the group yet
        return None, 0
    finally:
        admin.close()
    info = described.get(group, {}) if isinstance(described, dict) else {}
    return info.get("group_state") or info.get("state"), len(info.get("members") or [])


def run_queue_seconds(pid: int) -> float:
    """Seconds the process's threads spent runnable but waiting for a CPU (schedstat): high
    when other processes take the cores, whatever the worker itself could do."""
    from pathlib import Path

    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def drain(bootstrap: str, workers: int, reports: list[str], args) -> float:
    """Seconds to turn `reports` into events with `workers` worker processes."""
    from kafka import KafkaProducer

    run_id = uuid.uuid4().hex[:8]
    with temp_dir(f"wf-bench-scale{workers}-") as root:
        pipe = pipeline(bootstrap, root, {"WATCHFLOOR_PARTITIONS": str(PARTITIONS)})
        settings = pipe.settings
        create_topics(settings)
        watcher = TopicWatcher(bootstrap, [settings.events_topic], PARTITIONS)
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
        procs = [worker_process(pipe) for _ in range(workers)]
        try:
            for proc in procs:
                proc.start()

            def alive() -> None:
                for proc in procs:
                    check_alive(proc)

            started = time.monotonic()
            while True:  # every worker in the group, and the group settled
                state, members = group_state(bootstrap, settings.app_id)
                if state == "Stable" and members == workers:
                    break
                alive()
                if time.monotonic() - started > args.scaleout_startup_timeout:
                    give_up(f"group {settings.app_id}: {members}/{workers} members, state {state}", *procs)
                time.sleep(0.5)
            warm = [f"warm-{run_id}-{p}" for p in range(PARTITIONS)]
            for p, rid in enumerate(warm):
                producer.send(settings.reports_topic, key=rid.encode(), partition=p,
                              value=json.dumps({"id": rid, "text": synthetic_report(p)}).encode())
            producer.flush()
            if not watcher.wait_for(settings.events_topic, warm, args.scaleout_startup_timeout, alive):
                give_up("warm-up reports produced no events", *procs)
            state, members = group_state(bootstrap, settings.app_id)
            say(f"scaleout: {workers} worker(s) ready after {time.monotonic() - started:.1f}s "
                f"(group {state}, {members} member(s))")

            ids = [f"scale-{run_id}-{i:05d}" for i in range(len(reports))]
            values = [json.dumps({"id": rid, "text": text}).encode() for rid, text in zip(ids, reports)]
            cpu0 = [cpu_seconds(proc.process.pid) for proc in procs]
            queued0 = [run_queue_seconds(proc.process.pid) for proc in procs]
            t0 = time.monotonic()
            for i, (rid, value) in enumerate(zip(ids, values)):
                producer.send(settings.reports_topic, key=rid.encode(), value=value, partition=i % PARTITIONS)
            producer.flush()
            produced = time.monotonic() - t0
            if not watcher.wait_for(settings.events_topic, ids, args.scaleout_timeout, alive):
                missing = sum(1 for rid in ids if rid not in watcher.seen[settings.events_topic])
                give_up(f"{missing} of {len(ids)} reports produced no event within {args.scaleout_timeout:.0f}s", *procs)
            elapsed = max(watcher.seen[settings.events_topic][rid] for rid in ids) - t0
            busy = [cpu_seconds(proc.process.pid) - before for proc, before in zip(procs, cpu0)]
            queued = [run_queue_seconds(proc.process.pid) - before for proc, before in zip(procs, queued0)]
            state, members = group_state(bootstrap, settings.app_id)
            if members != workers:
                say(f"scaleout: WARNING the group has {members} member(s) after the run (rebalanced?)")
            say(f"scaleout: {workers} worker(s): {len(ids)} reports in {elapsed:.2f}s "
                f"({len(ids) / elapsed:.1f} reports/s; producing took {produced:.2f}s); worker CPU "
                + ", ".join(f"{b:.1f}s ({b / elapsed:.0%} of a core; {q:.1f}s runnable but waiting for a CPU)"
                            for b, q in zip(busy, queued))
                + f"; load average {load_average()}")
            return elapsed
        finally:
            producer.close()
            watcher.close()
            for proc in procs:
                proc.stop()


def run(args) -> Result:
    bootstrap = args.broker.bootstrap()
    reports = [synthetic_report(1000 + i, args.scaleout_sentences) for i in range(args.scaleout_reports)]
    words = sum(len(r.split()) for r in reports)
    say(f"scaleout: {len(reports)} reports of {args.scaleout_sentences} sentences ({words} words), "
        f"{PARTITIONS} partitions")
    one = drain(bootstrap, 1, reports, args)
    two = drain(bootstrap, 2, reports, args)
    speedup = one / two
    figure = f"2 workers / 1 worker throughput = {speedup:.2f}x (drain {one:.1f}s -> {two:.1f}s, {len(reports)} reports)"
    return Result("scaleout", figure, f">= {TARGET}x", speedup >= TARGET, {"one": one, "two": two})


def add_arguments(parser) -> None:
    group = parser.add_argument_group("scaleout")
    # 1,200: at 400 a drain lasts under 10 s, and fixed costs (batch windows, fetch waits) weigh on the ratio.
    group.add_argument("--scaleout-reports", type=int, default=1200, help="reports to drain (default 1200)")
    group.add_argument("--scaleout-sentences", type=int, default=6, help="sentences per report")
    group.add_argument("--scaleout-startup-timeout", type=float, default=240.0)
    group.add_argument("--scaleout-timeout", type=float, default=600.0)
