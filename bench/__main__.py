"""`python -m bench [NAME...]`: run the benchmarks (all five, or the ones named) and print
one RESULT line per benchmark with its figure, its target and PASS or MISS.

    python -m bench                        # extraction e2e matching scaleout memory
    python -m bench extraction matching    # a subset
    WATCHFLOOR_EVAL_DIR=/data/eval python -m bench extraction

The broker benchmarks (e2e, scaleout, memory) share one local Kafka broker started on free
ports, or use $WATCHFLOOR_KAFKA_BOOTSTRAP when set. Nothing is written to bench/RESULTS.md:
that file is written by hand from a run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

from . import e2e_latency, extraction, matching, memory, scaleout
from .common import REPO_ROOT, LazyBroker, Result, load_average, machine_line, say

BENCHMARKS = {
    "extraction": extraction,
    "e2e": e2e_latency,
    "matching": matching,
    "scaleout": scaleout,
    "memory": memory,
}
ALIASES = {"e2e_latency": "e2e", "latency": "e2e", "scale-out": "scaleout", "scale_out": "scaleout", "rss": "memory"}
NEEDS_BROKER = {"e2e", "scaleout", "memory"}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--eval-dir", default=None,
                        help="eval data folder (default: $WATCHFLOOR_EVAL_DIR, else ../shared/eval)")
    parser.add_argument("--profile", metavar="DIR", default=None,
                        help="cProfile each benchmark's own process into DIR/<name>.prof and print the top "
                             "functions (the worker processes of e2e, scaleout and memory are not profiled)")
    for module in BENCHMARKS.values():
        module.add_arguments(parser)
    args = parser.parse_args(argv)
    names = [ALIASES.get(n, n) for n in args.names] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")
    args.names = names
    return args


def _run(name: str, args: argparse.Namespace) -> Result:
    if not args.profile:
        return BENCHMARKS[name].run(args)
    import cProfile
    import pstats

    folder = Path(args.profile)
    folder.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    try:
        return profiler.runcall(BENCHMARKS[name].run, args)
    finally:
        path = folder / f"{name}.prof"
        profiler.dump_stats(path)
        say(f"profile: {path} (top 20 by own time)")
        pstats.Stats(str(path)).sort_stats("tottime").print_stats(20)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    os.chdir(REPO_ROOT)  # the worker and the loaders resolve relative paths from here
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    say(machine_line())
    say(f"benchmarks: {' '.join(args.names)}")
    broker = LazyBroker()
    args.broker = broker
    results: list[Result] = []
    try:
        for name in args.names:
            say(f"\n=== {name} (load average {load_average()}) ===")
            started = time.monotonic()
            try:
                result = _run(name, args)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
                traceback.print_exc()
                result = Result(name, f"failed: {type(exc).__name__}: {exc}".splitlines()[0], "-", False,
                                {"error": True})
            results.append(result)
            say(f"{result.line()}   [{time.monotonic() - started:.0f}s, load average after {load_average()}]")
    finally:
        broker.close()
    say("\n=== summary ===")
    say(machine_line())
    for result in results:
        say(result.line())
    # Benchmarks are not tests: a missed target is a figure, not a failure. Only a benchmark
    # that could not run makes the exit status non-zero.
    return 1 if any(r.details.get("error") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
