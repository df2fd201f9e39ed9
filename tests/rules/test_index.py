"""The matching index (rules/index/): the same verdicts as every rule's predicate, fewer tried.

The property tests load seeded random rule sets (both benchmark mixes, plus a mix written
here that uses every construct the index reads: `any` branches, `not`, lists, aliases,
sub-fields, `destination`, `unless`, window rules) and compare the index's answer with the
brute force over all rules on random events.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import rule_mix
from rules.engine import evaluate, matching_rules
from rules.index import Matcher, exact, requirements
from rules.index.requirements import WITHIN
from rules.loader import load_rules
from rules.spec import CompiledRule, RuleSpec
from tests import factories as f

LISTS = {"bombs": ["ied", "vbied"], "hot": ["SY-HL", "SY-ID"], "senior_ranks": ["General", "Colonel"]}
MACROS = {"reported_as_fact": {"negated": False, "hedged": False}}
ALIASES = {"isis": {"Islamic State"}, "hts": {"Hayat Tahrir al-Sham", "Jabhat al-Nusra"}}


def aliases(name: str) -> set[str]:
    return ALIASES.get(name, set())


# ---- what a condition requires ------------------------------------------------------------------
REQUIREMENT_CASES = [
    ("plain", {"event_type": "ASSAULT"}, {"event_type": {"ASSAULT"}}),
    ("list", {"weapon": ["ied", "drone"]}, {"weapon": {"ied", "drone"}}),
    ("dollar-list", {"weapon": "$bombs"}, {"weapon": {"ied", "vbied"}}),
    ("in-op", {"event_type": {"in": ["ASSAULT", "COERCE"]}}, {"event_type": {"ASSAULT", "COERCE"}}),
    ("within", {"location": {"within": ["SY-HL", "IQ"]}}, {"location" + WITHIN: {"SY-HL", "IQ"}}),
    ("destination-within", {"destination": {"within": "SY"}}, {"destination" + WITHIN: {"SY"}}),
    ("sub-field", {"location": {"admin1_code": "SY-HL"}}, {"location.admin1_code": {"SY-HL"}}),
    ("dotted", {"actors.name": {"in": ["Taliban"]}}, {"actors.name": {"Taliban"}}),
    ("victims-any", {"victims": {"any": {"rank_class": "senior_officer", "outcome": "killed"}}},
     {"victims.rank_class": {"senior_officer"}, "victims.outcome": {"killed"}}),
    ("victims-all", {"victims": {"all": {"outcome": "killed"}}}, {"victims.outcome": {"killed"}}),
    ("alias", {"actors": {"any": {"name": {"alias": "hts"}}}}, {"actors.name": {"Hayat Tahrir al-Sham", "Jabhat al-Nusra"}}),
    ("any-common-path", {"any": [{"weapon": "ied"}, {"weapon": "drone", "fatalities": {"gte": 1}}]}, {"weapon": {"ied", "drone"}}),
    ("any-different-paths", {"any": [{"weapon": "ied"}, {"event_mode": "aerial"}]}, {}),
    ("any-inside-victims", {"victims": {"any": {"any": [{"rank_class": "senior_officer"}, {"rank": "$senior_ranks"}]}}}, {}),
    ("not", {"not": {"event_type": "ASSAULT"}}, {}),
    ("negative-ops", {"event_type": {"ne": "ASSAULT"}, "weapon": {"not_in": ["ied"]}}, {}),
    ("patterns-and-numbers", {"evidence.text": {"matches": "x"}, "fatalities": {"gte": 3}, "negated": False}, {}),
    ("exists", {"location": {"exists": True}}, {}),
    ("all-keeps-the-smaller", {"event_type": ["ASSAULT", "COERCE"], "all": [{"event_type": "ASSAULT"}]}, {"event_type": {"ASSAULT"}}),
    ("macro", {"all": ["reported_as_fact"], "weapon": "ied"}, {"weapon": {"ied"}}),
]


@pytest.mark.parametrize("when, expected", [c[1:] for c in REQUIREMENT_CASES], ids=[c[0] for c in REQUIREMENT_CASES])
def test_requirements(when, expected):
    found = requirements(when, LISTS, MACROS, aliases)
    assert {path: set(values) for path, values in found.items()} == expected


EXACT_CASES = [
    ("plain", {"event_type": "ASSAULT"}, ("event_type", {"ASSAULT"})),
    ("list-field", {"weapon": "$bombs"}, ("weapon", {"ied", "vbied"})),
    ("within", {"location": {"within": "SY-HL"}}, ("location" + WITHIN, {"SY-HL"})),
    ("any-one-key", {"actors": {"any": {"name": {"alias": "isis"}}}}, ("actors.name", {"Islamic State"})),
    ("sub-field", {"location": {"admin1_code": ["SY-HL"]}}, ("location.admin1_code", {"SY-HL"})),
    ("any-two-keys", {"victims": {"any": {"rank_class": "officer", "outcome": "killed"}}}, None),
    ("all-objects", {"victims": {"all": {"outcome": "killed"}}}, None),
    ("two-operators", {"event_type": {"in": ["ASSAULT"], "ne": "COERCE"}}, None),
    ("negative", {"event_type": {"ne": "ASSAULT"}}, None),
    ("number", {"fatalities": 3}, None),
    ("macro", "reported_as_fact", None),
    ("combinator", {"any": [{"event_type": "ASSAULT"}]}, None),
]


@pytest.mark.parametrize("written, expected", [c[1:] for c in EXACT_CASES], ids=[c[0] for c in EXACT_CASES])
def test_exact_conditions(written, expected):
    found = exact(written, LISTS, aliases)
    assert (found and (found[0], set(found[1]))) == (expected and (expected[0], expected[1]))


# ---- the index agrees with the brute force -----------------------------------------------------
def _mixed_condition(rng: random.Random) -> dict:
    """Constructs the benchmark mixes do not write."""
    options = [
        lambda: {"any": [{"weapon": rng.choice(rule_mix.WEAPONS)}, {"weapon": "$bombs", "fatalities": {"gte": 1}}]},
        lambda: {"any": [{"event_mode": "aerial"}, {"acled_sub_event_type": rng.choice(rule_mix.SUB_EVENTS)}]},
        lambda: {"not": {"location": {"within": rng.choice(rule_mix.COUNTRY_CODES)}}},
        lambda: {"location": {"admin1_code": rng.choice(LISTS["hot"] + ["IQ-NI"])}},
        lambda: {"location.admin1_code": "$hot"},
        lambda: {"destination": {"within": rng.choice(["SY", "SY-HL", "IQ"])}},
        lambda: {"actors": {"any": {"name": {"alias": rng.choice(sorted(ALIASES))}}}},
        lambda: {"recipients": {"any": {"kind": rng.choice(rule_mix.ACTOR_KINDS)}}},
        lambda: {"victims": {"all": {"outcome": rng.choice(rule_mix.OUTCOMES)}}},
        lambda: {"event_type": {"ne": rng.choice(rule_mix.EVENT_TYPES)}},
        lambda: {"weapon": {"not_in": "$bombs"}},
        lambda: {"location": {"exists": rng.random() < 0.5}},
        lambda: {"victims.rank": "$senior_ranks"},
        lambda: {"victims.rank_class": rng.choice(rule_mix.RANK_CLASSES)},
    ]
    return rng.choice(options)()


def _mixed_rules(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        rule = rule_mix.broad_rule(i, rng)
        for _ in range(rng.randint(0, 2)):
            rule["when"].setdefault("all", []).append(_mixed_condition(rng))
        if rng.random() < 0.1:
            rule["window"] = {"count": 2, "within": "24h", "by": ["location.admin1_code"]}
        if rng.random() < 0.1:
            rule["unless"] = _mixed_condition(rng)
        out.append(rule)
    return out


def _mixed_events(count: int, seed: int) -> list:
    rng = random.Random(seed)
    out = []
    for event in rule_mix.broad_events(count, seed):
        destination = f.place(admin1_code=rng.choice(["SY-HL", "IQ-NI"]), country_code=rng.choice(["SYR", "IRQ"])) \
            if rng.random() < 0.3 else None
        recipients = (f.actor("them", rng.choice(rule_mix.ACTOR_NAMES), rng.choice(rule_mix.ACTOR_KINDS)),) \
            if rng.random() < 0.4 else ()
        if rng.random() < 0.2 and event.actors:
            recipients += (f.actor("hts", "Jabhat al-Nusra", "jihadist"),)
        out.append(event.model_copy(update={"destination": destination, "recipients": recipients}))
    return out


def _load(tmp_path: Path, rules: list[dict]):
    folder = tmp_path / "rules"
    rule_mix.write_rules(folder, rules)
    (folder / "_library.yaml").write_text(rule_mix.yaml.safe_dump({**rule_mix.LIBRARY, "lists": {
        **rule_mix.LIBRARY["lists"], **LISTS}}))
    ruleset = load_rules([folder], aliases=aliases)
    assert [d for d in ruleset.diagnostics if d.severity == "error"] == [] and len(ruleset.rules) == len(rules)
    return ruleset


MIXES = {
    "watchlist": (lambda n, seed: rule_mix.watchlist_rules(n, seed), lambda n, seed: rule_mix.watchlist_events(n, seed)),
    "broad": (lambda n, seed: rule_mix.broad_rules(n, seed), lambda n, seed: rule_mix.broad_events(n, seed)),
    "every-construct": (_mixed_rules, _mixed_events),
}


@pytest.mark.parametrize("mix", sorted(MIXES))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_finds_exactly_the_rules_whose_predicate_holds(mix, seed, tmp_path):
    make_rules, make_events = MIXES[mix]
    ruleset = _load(tmp_path, make_rules(600, seed))
    events = make_events(400, seed + 100)
    fired = 0
    for event in events:
        brute = [rule for rule in ruleset.rules if rule.predicate(event)]
        assert ruleset.matcher.matching(event) == brute, event.event_id
        assert matching_rules(ruleset, event) == [rule for rule in brute if not rule.stateful]
        fired += len(brute)
    assert fired > len(events) // 10  # the comparison covers rules that fire, not only silence


def test_windows_fire_as_before_through_the_index(tmp_path):
    """evaluate() over the index and the same state machine over the brute-force verdicts
    agree event after event (window rules included)."""
    ruleset = _load(tmp_path, _mixed_rules(300, 9))
    only_by_predicate = Matcher([CompiledRule(r.spec, r.predicate, r.file) for r in ruleset.rules])
    state_index: dict = {}
    state_brute: dict = {}
    brute_set = type(ruleset)(rules=ruleset.rules)
    brute_set.__dict__["matcher"] = only_by_predicate
    for event in _mixed_events(300, 10):
        assert [r.id for r in evaluate(ruleset, event, state_index)] == [r.id for r in evaluate(brute_set, event, state_brute)]
    assert state_index == state_brute and state_index


# ---- what the index saves --------------------------------------------------------------------------
def _rule(rule_id: str, conjuncts, requires=()) -> CompiledRule:
    spec = RuleSpec(id=rule_id, title=rule_id, level="low", when={})
    return CompiledRule(spec, lambda e: all(p(e) for _, p, _ in conjuncts), "inline.yaml",
                        conjuncts=tuple(conjuncts), requires=tuple(requires))


def test_a_condition_shared_by_many_rules_is_evaluated_once_per_event():
    calls: list[str] = []

    def recorded(event) -> bool:
        calls.append(event.event_id)
        return True

    rules = [_rule(f"r{i}", [("shared", recorded, None), (f"own{i}", lambda e: True, None)]) for i in range(50)]
    matcher = Matcher(rules)
    assert matcher.matching(f.seed_event(event_id="e1")) == rules
    assert matcher.matching(f.seed_event(event_id="e2")) == rules
    assert calls == ["e1", "e2"]


def test_rules_for_other_places_are_not_tried():
    tried: list[str] = []

    def watch(code: str):
        def predicate(event) -> bool:
            tried.append(code)
            return event.location is not None and event.location.admin1_code == code
        return predicate

    codes = [f"SY-{i:02d}" for i in range(200)] + ["SY-HL"]
    rules = [_rule(code.lower(), [(code, watch(code), None)], [("location" + WITHIN, frozenset([code]))]) for code in codes]
    matcher = Matcher(rules)
    assert [r.id for r in matcher.matching(f.seed_event())] == ["sy-hl"]  # the seed is in SY-HL
    assert tried == ["SY-HL"]
    assert matcher.candidates(f.seed_event(location=None)) == ()


def test_rules_without_requirements_are_tried_for_every_event_in_order():
    rules = [_rule("r-a", [("a", lambda e: True, None)]),
             _rule("r-b", [("b", lambda e: e.event_type == "PROTEST", None)], [("event_type", frozenset(["PROTEST"]))]),
             _rule("r-c", [("c", lambda e: True, None)])]
    matcher = Matcher(rules)
    assert [r.id for r in matcher.matching(f.seed_event())] == ["r-a", "r-c"]
    assert [r.id for r in matcher.matching(f.seed_event(event_type="PROTEST"))] == ["r-a", "r-b", "r-c"]
