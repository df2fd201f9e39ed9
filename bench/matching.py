"""3. Rule matching: events per second with 100, 1,000 and 10,000 generated rules, one core.

Rules are generated as YAML (bench/rule_mix.py: the `watchlist` mix, the target's figure,
and the `broad` mix of the first runs, printed as a second line) into a temporary folder and
loaded with rules.loader.load_rules, the loader the worker uses. Events are synthetic but
valid (tests/factories.py builders with varied type, victims, place, fatalities, actors,
weapons), in the world each mix's rules watch.

The process is pinned to one CPU; each rule-set size is timed over enough events for
`--match-seconds`, in rounds, and the best round counts. Events per second are per CPU second
of this thread (time.thread_time: not inflated when other processes take the core); the wall
clock figure is printed beside it. cost(n) = 1 / events per second.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .common import Result, say, temp_dir
from .rule_mix import MIXES, write_rules

SIZES = (100, 1_000, 10_000)
TARGET_EPS = 50_000
TARGET_COST_RATIO = 3.0


# ---- timing ---------------------------------------------------------------------------------
def _pin_one_core() -> set[int] | None:
    try:
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {max(before)})
        return before
    except (AttributeError, OSError):
        return None


def _time_matching(ruleset, events, seconds: float, rounds: int) -> tuple[float, float, float]:
    """(best events per CPU second, events per wall second of that round, matches per event)."""
    from rules.engine import matching_rules

    probe = events[:50]
    started = time.thread_time()
    for event in probe:
        matching_rules(ruleset, event)
    per_event = max((time.thread_time() - started) / len(probe), 1e-7)
    count = max(len(probe), int(seconds / per_event))
    batch = [events[i % len(events)] for i in range(count)]
    best = (0.0, 0.0)
    for _ in range(rounds):
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        for event in batch:
            matching_rules(ruleset, event)
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
        if count / cpu > best[0]:
            best = (count / cpu, count / wall)
    sample = events[:200]
    fired = sum(len(matching_rules(ruleset, e)) for e in sample) / len(sample)
    return best[0], best[1], fired


def _profile(ruleset, events, folder: str) -> None:
    """cProfile of matching_rules alone (no rule loading) into FOLDER/matching-rules.prof."""
    import cProfile
    import pstats

    from rules.engine import matching_rules

    candidates = sum(len(ruleset.matcher.candidates(e)) for e in events) / len(events)
    path = Path(folder) / "matching-rules.prof"
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [matching_rules(ruleset, e) for e in events])
    profiler.dump_stats(path)
    say(f"profile: {path}: matching_rules on {len(events)} events, {len(ruleset.rules)} rules, "
        f"{candidates:.0f} candidate rules per event (top 15 by own time)")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(15)


def _measure(mix: str, args) -> dict[int, float]:
    """Events per CPU second at each size for one mix, with a line per size."""
    from rules.loader import load_rules

    make_rules, make_events = MIXES[mix]
    events = make_events(args.match_events)
    eps: dict[int, float] = {}
    for size in SIZES:
        with temp_dir(f"wf-bench-rules-{mix}-{size}-") as folder:
            write_rules(folder, make_rules(size))
            started = time.perf_counter()
            ruleset = load_rules([folder], receivers=("slack", "email"))
            load_s = time.perf_counter() - started
        if ruleset.errors or len(ruleset.rules) != size:
            raise SystemExit(f"generated rules did not load: {len(ruleset.rules)}/{size}; "
                             + "; ".join(map(str, ruleset.errors[:5])))
        matcher = ruleset.matcher
        candidates = sum(len(matcher.candidates(e)) for e in events[:500]) / min(500, len(events))
        cpu_eps, wall_eps, fired = _time_matching(ruleset, events, args.match_seconds, args.match_rounds)
        eps[size] = cpu_eps
        if getattr(args, "profile", None) and size == SIZES[-1]:
            _profile(ruleset, events[:1000], str(Path(args.profile) / mix))
        say(f"matching [{mix}] {size:>6} rules (loaded in {load_s:.1f}s; {candidates:.1f} candidates and "
            f"{fired:.2f} firings per event, {matcher.conditions} distinct conditions): "
            f"{cpu_eps:,.0f} events/s per CPU second ({wall_eps:,.0f}/s wall), {1e6 / cpu_eps:.1f} us/event")
    return eps


def run(args) -> Result:
    before = _pin_one_core()
    if before is not None:
        say(f"matching: pinned to CPU {max(before)} of {sorted(before)}")
    figures: dict[str, dict[int, float]] = {}
    try:
        for mix in args.match_mix:
            figures[mix] = _measure(mix, args)
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)

    def line(eps: dict[int, float]) -> str:
        return (f"{eps[10_000]:,.0f} events/s at 10,000 rules ({eps[1_000]:,.0f} at 1,000, {eps[100]:,.0f} at 100); "
                f"cost(10,000)/cost(100) = {eps[100] / eps[10_000]:.1f}")

    main = args.match_mix[0]
    eps = figures[main]
    ratio = eps[SIZES[0]] / eps[SIZES[-1]]
    passed = eps[SIZES[-1]] >= TARGET_EPS and ratio < TARGET_COST_RATIO
    figure = f"[{main} mix] " + line(eps)
    for other in args.match_mix[1:]:
        say(f"matching [{other} mix, not the target's figure: output grows with the rules] {line(figures[other])}")
        figure += f"; [{other} mix] " + line(figures[other])
    return Result("matching", figure, f">= {TARGET_EPS:,} events/s at 10,000 rules and cost ratio < {TARGET_COST_RATIO:g}"
                  f" ({main} mix)", passed, {"eps": figures, "cost_ratio": ratio})


def add_arguments(parser) -> None:
    group = parser.add_argument_group("matching")
    group.add_argument("--match-events", type=int, default=5000, help="distinct synthetic events")
    group.add_argument("--match-seconds", type=float, default=2.0, help="CPU seconds per timed round")
    group.add_argument("--match-rounds", type=int, default=3, help="rounds per rule-set size; the best counts")
    group.add_argument("--match-mix", nargs="+", choices=sorted(MIXES), default=["watchlist", "broad"],
                       help="rule mixes, the first one judged against the target (bench/rule_mix.py)")
