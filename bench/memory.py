"""5. Memory: peak RSS of one worker with the default model, gazetteer and rules.

One real worker process (default settings: en_core_web_sm, the gazetteer, the packaged rule
pack; alerts go to a temporary outbox) gets the seed report plus N multi-sentence reports;
once the group has committed everything on the three stage topics, the peak resident set
(VmHWM in /proc/<pid>/status) of the worker and of any process it started is read.
"""

from __future__ import annotations

import time
import uuid

from .common import (SEED_REPORT, Result, check_alive, create_topics, descendants, give_up, pipeline,
                     proc_status, say, synthetic_report, temp_dir, worker_process)

TARGET_MB = 600


def run(args) -> Result:
    from extraction.report import Report
    from streams.kafka_io import publish_reports, wait_drained

    bootstrap = args.broker.bootstrap()
    run_id = uuid.uuid4().hex[:8]
    with temp_dir("wf-bench-memory-") as root:
        pipe = pipeline(bootstrap, root)
        settings = pipe.settings
        create_topics(settings)
        with worker_process(pipe) as worker:
            pid = worker.process.pid
            seed = SEED_REPORT.read_text(encoding="utf-8")
            reports = [Report(id=f"mem-{run_id}-seed", text=seed)]
            reports += [Report(id=f"mem-{run_id}-{i}", text=synthetic_report(5000 + i, 8))
                        for i in range(args.memory_reports)]
            started = time.monotonic()
            sent = publish_reports(settings, reports)
            ok = wait_drained(settings, settings.app_id, timeout=args.memory_timeout,
                              alive=lambda: worker.process.poll() is None)
            check_alive(worker)
            if not ok:
                give_up(f"the worker did not drain {sent} reports within {args.memory_timeout:.0f}s", worker)
            processes = [pid, *descendants(pid)]
            status = {p: proc_status(p) for p in processes}
            say(f"memory: {sent} reports drained in {time.monotonic() - started:.1f}s; "
                + "; ".join(f"pid {p}: VmHWM {s.get('VmHWM', 0) / 1024:.0f} MB, VmRSS {s.get('VmRSS', 0) / 1024:.0f} MB"
                            for p, s in status.items()))
    peak_mb = max(s.get("VmHWM", 0) for s in status.values()) / 1024
    extra = f" (+{len(processes) - 1} child process(es))" if len(processes) > 1 else ""
    figure = f"worker peak RSS (VmHWM) = {peak_mb:.0f} MB{extra}"
    return Result("memory", figure, f"< {TARGET_MB} MB", peak_mb < TARGET_MB, {"peak_mb": peak_mb})


def add_arguments(parser) -> None:
    group = parser.add_argument_group("memory")
    group.add_argument("--memory-reports", type=int, default=100, help="multi-sentence reports pushed through")
    group.add_argument("--memory-timeout", type=float, default=300.0)
