"""3. Rule matching: events per second with 100, 1,000 and 10,000 generated rules, one core.

Rules are generated as YAML (a seeded mix of what analysts write: an event type or a list of
them, or none; victims with a rank class and outcome, places `within` province or country
codes, fatality thresholds, actor kinds and names, weapons, sub-event types, an occasional
text condition, the `reported_as_fact` macro, an `unless`) into a temporary folder and loaded
with rules.loader.load_rules, the loader the worker uses. Events are synthetic but valid
(tests/factories.py builders with varied type, victims, place, fatalities, actors, weapons).

The process is pinned to one CPU; each rule-set size is timed over enough events for
`--match-seconds`, in rounds, and the best round counts. Events per second are per CPU second
of this thread (time.thread_time: not inflated when other processes take the core); the wall
clock figure is printed beside it. cost(n) = 1 / events per second.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import yaml

from .common import Result, say, temp_dir

SIZES = (100, 1_000, 10_000)
TARGET_EPS = 50_000
TARGET_COST_RATIO = 3.0

EVENT_TYPES = ["ASSAULT", "COERCE", "PROTEST", "RETREAT", "SEIZE", "MOBILIZE", "THREATEN", "AID"]
RULE_TYPE_WEIGHTS = [40, 10, 10, 10, 5, 5, 3, 2]
EVENT_TYPE_WEIGHTS = [60, 10, 15, 8, 4, 2, 1, 0]
RANK_CLASSES = ["senior_officer", "officer", "nco", "enlisted", "civilian", "unknown"]
RANKS = ["Field Marshal", "General", "Brigadier", "Colonel", "Major", "Captain", "Sergeant", "Field Commander"]
OUTCOMES = ["killed", "injured", "abducted", "arrested"]
ACTOR_KINDS = ["state", "rebel", "militia", "jihadist", "foreign_state", "civilian", "unidentified", "other"]
ACTOR_NAMES = ["Islamic State", "Syrian Arab Army", "Hayat Tahrir al-Sham", "Taliban", "Al-Shabaab",
               "Houthis", "Syrian Democratic Forces", "Boko Haram", "JNIM", "Wagner Group"]
WEAPONS = ["ied", "vbied", "suicide", "airstrike", "drone", "artillery", "missile", "guided_missile", "grenade", "small_arms"]
MODES = ["explosives", "assassinate", "aerial", "drone", "firearms", "heavy-weapons", "abduct", "arrest", "withdraw"]
SUB_EVENTS = ["Remote explosive/landmine/IED", "Air/drone strike", "Armed clash", "Attack", "Suicide bomb",
              "Shelling/artillery/missile attack", "Abduction/forced disappearance", "Arrests", "Grenade"]
# (admin1 code, ISO3 country) pairs; `within` also accepts the ISO2 prefix.
PLACES = [("SY-HL", "SYR"), ("SY-ID", "SYR"), ("SY-DI", "SYR"), ("SY-HM", "SYR"), ("SY-DY", "SYR"),
          ("SY-RA", "SYR"), ("SY-HA", "SYR"), ("SY-DR", "SYR"), ("IQ-NI", "IRQ"), ("IQ-BG", "IRQ"),
          ("IQ-AN", "IRQ"), ("IQ-SD", "IRQ"), ("IQ-KI", "IRQ"), ("AF-KAB", "AFG"), ("AF-HEL", "AFG"),
          ("AF-KAN", "AFG"), ("AF-NAN", "AFG"), ("AF-GHA", "AFG"), ("YE-SA", "YEM"), ("YE-TA", "YEM"),
          ("YE-MA", "YEM"), ("YE-HD", "YEM"), ("NG-BO", "NGA"), ("NG-ZA", "NGA"), ("ML-7", "MLI"),
          ("ML-6", "MLI"), ("SO-BN", "SOM"), ("SO-BK", "SOM"), ("LY-TB", "LBY"), ("MZ-P", "MOZ")]
COUNTRY_CODES = ["SY", "IQ", "AF", "YE", "NG", "ML", "SO", "LY", "MZ"]
WORDS = ["assassinat", "ambush", "checkpoint", "convoy", "commander", "hostage", "prison", "airport"]


# ---- rules ----------------------------------------------------------------------------------
def _condition(rng: random.Random) -> dict:
    kind = rng.choices(
        ["victims", "victims_senior", "within", "fatalities", "actor_kind", "actor_name", "weapon", "mode",
         "sub_event", "contains", "matches", "injured"],
        [16, 6, 18, 14, 10, 6, 8, 5, 8, 4, 2, 3])[0]
    if kind == "victims":
        inner: dict = {"rank_class": rng.choice(RANK_CLASSES)}
        if rng.random() < 0.7:
            inner["outcome"] = rng.choice(OUTCOMES)
        return {"victims": {"any": inner}}
    if kind == "victims_senior":
        return {"victims": {"any": {"any": [{"rank_class": "senior_officer"}, {"rank": {"in": "$senior_ranks"}}],
                                    "outcome": "killed"}}}
    if kind == "within":
        pool = [code for code, _ in PLACES] + COUNTRY_CODES
        return {"location": {"within": rng.sample(pool, rng.randint(1, 4))}}
    if kind == "fatalities":
        return {"fatalities": {rng.choice(["gte", "gt"]): rng.choice([1, 2, 3, 5, 10, 20, 50])}}
    if kind == "injured":
        return {"injured": {"gte": rng.choice([1, 5, 10])}}
    if kind == "actor_kind":
        return {"actors": {"any": {"kind": rng.choice(ACTOR_KINDS)}}}
    if kind == "actor_name":
        return {"actors.name": {"in": rng.sample(ACTOR_NAMES, rng.randint(1, 3))}}
    if kind == "weapon":
        return {"weapon": rng.sample(WEAPONS, rng.randint(1, 3))}
    if kind == "mode":
        return {"event_mode": {"in": rng.sample(MODES, rng.randint(1, 2))}}
    if kind == "sub_event":
        return {"acled_sub_event_type": rng.sample(SUB_EVENTS, rng.randint(1, 2))}
    if kind == "contains":
        return {"evidence.text": {"contains": rng.choice(WORDS)}}
    return {"evidence.text": {"matches": f"(?i)\\b({rng.choice(WORDS)}|{rng.choice(WORDS)})"}}


def make_rule(i: int, rng: random.Random) -> dict:
    when: dict = {}
    shape = rng.random()
    if shape < 0.75:
        when["event_type"] = rng.choices(EVENT_TYPES, RULE_TYPE_WEIGHTS)[0]
    elif shape < 0.90:
        when["event_type"] = {"in": rng.sample(EVENT_TYPES, 2)}
    # else: no event type, so the rule is a candidate for every event (the untyped index)
    for _ in range(rng.randint(2, 4)):
        for key, value in _condition(rng).items():
            if key in when:
                when.setdefault("all", []).append({key: value})
            else:
                when[key] = value
    if rng.random() < 0.3:
        when.setdefault("all", []).append("reported_as_fact")
    rule = {
        "id": f"gen-{i:05d}",
        "title": f"Generated rule {i}",
        "level": rng.choice(["info", "low", "medium", "high", "critical"]),
        "status": "stable",
        "when": when,
        "dedup": {"key": ["location.admin1_code"], "within": "6h"},
        "notify": ["slack"],
    }
    if rng.random() < 0.1:
        rule["unless"] = {"hedged": True}
    return rule


LIBRARY = {
    "lists": {"senior_ranks": ["Field Marshal", "General", "Brigadier", "Colonel", "Field Commander"]},
    "macros": {"reported_as_fact": {"negated": False, "hedged": False}},
}


def write_rules(folder: Path, count: int, seed: int = 7, per_file: int = 100) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_library.yaml").write_text(yaml.safe_dump(LIBRARY, sort_keys=False))
    rules = [make_rule(i, rng) for i in range(count)]
    for start in range(0, count, per_file):
        chunk = rules[start:start + per_file]
        (folder / f"gen-{start // per_file:04d}.yaml").write_text(
            yaml.safe_dump_all(chunk, sort_keys=False, explicit_start=True))


# ---- events ---------------------------------------------------------------------------------
def make_events(count: int, seed: int = 11) -> list:
    from rules.event import Actor, Place, Victim
    from tests import factories

    rng = random.Random(seed)
    events = []
    for i in range(count):
        event_type = rng.choices(EVENT_TYPES, EVENT_TYPE_WEIGHTS)[0]
        victims = tuple(
            Victim(text="victim", rank=rng.choice(RANKS + [None, None]), rank_class=rng.choice(RANK_CLASSES),
                   outcome=rng.choice(OUTCOMES), count=rng.choice([1, 1, 2, 5, None]))
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])))
        code, iso3 = rng.choice(PLACES)
        location = None if rng.random() < 0.1 else Place(text="somewhere", name=f"Town {i % 97}", admin1_code=code,
                                                          country_code=iso3, precision="town")
        actors = tuple(Actor(text="they", name=rng.choice(ACTOR_NAMES), kind=rng.choice(ACTOR_KINDS))
                       for _ in range(rng.choice([0, 1, 1, 2])))
        evidence = " ".join(rng.sample(WORDS, 3)) + f" report {i}"
        events.append(factories.seed_event(
            event_id=f"bench-{i}:0", report_id=f"bench-{i}", event_type=event_type,
            event_mode=tuple(rng.sample(MODES, rng.randint(0, 2))),
            acled_sub_event_type=rng.choice(SUB_EVENTS), victims=victims,
            fatalities=rng.choice([None, 0, 1, 2, 3, 5, 8, 12, 30, 60]),
            injured=rng.choice([None, 0, 1, 4, 10]), actors=actors,
            weapon=tuple(rng.sample(WEAPONS, rng.randint(0, 2))), location=location,
            negated=rng.random() < 0.05, hedged=rng.random() < 0.1,
            evidence=factories.evidence(evidence, 0),
        ))
    return events


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

    candidates = sum(len(ruleset.candidates(e.event_type)) for e in events) / len(events)
    path = Path(folder) / "matching-rules.prof"
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [matching_rules(ruleset, e) for e in events])
    profiler.dump_stats(path)
    say(f"profile: {path}: matching_rules on {len(events)} events, {len(ruleset.rules)} rules, "
        f"{candidates:.0f} candidate rules per event (top 15 by own time)")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(15)


def run(args) -> Result:
    from rules.loader import load_rules

    before = _pin_one_core()
    if before is not None:
        say(f"matching: pinned to CPU {max(before)} of {sorted(before)}")
    events = make_events(args.match_events)
    eps: dict[int, float] = {}
    try:
        for size in SIZES:
            with temp_dir(f"wf-bench-rules-{size}-") as folder:
                write_rules(folder, size)
                started = time.perf_counter()
                ruleset = load_rules([folder], receivers=("slack", "email"))
                load_s = time.perf_counter() - started
            if ruleset.errors or len(ruleset.rules) != size:
                raise SystemExit(f"generated rules did not load: {len(ruleset.rules)}/{size}; "
                                 + "; ".join(map(str, ruleset.errors[:5])))
            untyped = len(ruleset.by_type.get(None, []))
            cpu_eps, wall_eps, fired = _time_matching(ruleset, events, args.match_seconds, args.match_rounds)
            eps[size] = cpu_eps
            if getattr(args, "profile", None) and size == SIZES[-1]:
                _profile(ruleset, events[:100], args.profile)
            say(f"matching {size:>6} rules ({untyped} without an event type; loaded in {load_s:.1f}s): "
                f"{cpu_eps:,.0f} events/s per CPU second ({wall_eps:,.0f}/s wall), "
                f"{1e6 / cpu_eps:.1f} us/event, {fired:.2f} rules fire per event")
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)
    ratio = eps[SIZES[0]] / eps[SIZES[-1]]
    passed = eps[SIZES[-1]] >= TARGET_EPS and ratio < TARGET_COST_RATIO
    figure = (f"{eps[10_000]:,.0f} events/s at 10,000 rules ({eps[1_000]:,.0f} at 1,000, {eps[100]:,.0f} at 100); "
              f"cost(10,000)/cost(100) = {ratio:.1f}")
    return Result("matching", figure, f">= {TARGET_EPS:,} events/s at 10,000 rules and cost ratio < {TARGET_COST_RATIO:g}",
                  passed, {"eps": eps, "cost_ratio": ratio})


def add_arguments(parser) -> None:
    group = parser.add_argument_group("matching")
    group.add_argument("--match-events", type=int, default=5000, help="distinct synthetic events")
    group.add_argument("--match-seconds", type=float, default=2.0, help="CPU seconds per timed round")
    group.add_argument("--match-rounds", type=int, default=3, help="rounds per rule-set size; the best counts")
