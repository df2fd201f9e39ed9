"""The rule sets and events of the matching benchmark: a watchlist mix and the broad mix.

**watchlist** (the default, `watchlist_rules`): what a large deployment looks like. Thousands
of rules are written per place, per group and per kind of incident, often generated from a
list ("IEDs in Helmand", "any event in Maskanah", "JNIM attacks in Mali", "senior officer
killed in Idlib"). A core pack of general rules (the broad mix below) stays small: 10% of the
rules, at most 30 (the default pack has 10). The rest are watchlist rules, each with one
specific subject:

- 30% a province (`location: {within: <ISO 3166-2>}`) and one or two conditions from the
  broad mix's vocabulary (victims, sub-event types, weapons, fatalities, actors ...);
- 35% one to three towns of one province (`location.name`);
- 35% one or two named groups (`actors.name`, or `actors: {any: {name: ...}}`), half of them
  also `within` a country.

Half carry one event type, 20% a list of two, 30% none; 30% use `reported_as_fact`, 10% an
`unless`. The world they watch is fixed, whatever the number of rules: the provinces of 40
conflict countries (real ISO 3166-2 codes from extraction/data/admin1.tsv, 887 provinces),
40 towns per province (35,480), 3,000 named groups each active in two countries. Countries
are weighted by a skew (weight 1/rank^0.8) for events and rules alike (desks watch where
things happen); events have towns and actors drawn from the same world, and half of an
event's actors are generic, such as "Unidentified Armed Group" (a share set by hand, not
measured). A watchlist grows by watching more subjects, not by watching the
same ones more often, so firings per event stay low: 0.03 / 0.49 / 1.64 at 100 / 1,000 /
10,000 rules (the broad mix: 0.78 / 7.3 / 76).

**broad** (`broad_rule`, the mix of the first benchmark runs, kept for comparison): every
rule is a general one over a handful of values (8 event types, 30 provinces, 10 groups). At
10,000 rules about 76 rules fire on every event, 100 times as many as at 100 rules: no
engine can keep its cost flat when its output grows 100-fold, so this line shows throughput
on an unrealistically dense rule set, not the target.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

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


# ---- the broad mix: rules ----------------------------------------------------------------------------------
def _add_conditions(when: dict, rng, count: int) -> None:
    """`count` random conditions (a key already used goes under `all:`), and 30% the fact macro."""
    for _ in range(count):
        for key, value in _condition(rng).items():
            if key in when:
                when.setdefault("all", []).append({key: value})
            else:
                when[key] = value
    if rng.random() < 0.3:
        when.setdefault("all", []).append("reported_as_fact")


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


def broad_rule(i: int, rng: random.Random) -> dict:
    when: dict = {}
    shape = rng.random()
    if shape < 0.75:
        when["event_type"] = rng.choices(EVENT_TYPES, RULE_TYPE_WEIGHTS)[0]
    elif shape < 0.90:
        when["event_type"] = {"in": rng.sample(EVENT_TYPES, 2)}
    # else: no event type, so the rule is a candidate for every event (the untyped index)
    _add_conditions(when, rng, rng.randint(2, 4))
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


# ---- the broad mix: events ---------------------------------------------------------------------------------
def broad_events(count: int, seed: int = 11) -> list:
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


# ---- the watchlist mix ----------------------------------------------------------------------
# ISO2 -> ISO3 of the conflict countries watched, most active first (the order sets the skew).
COUNTRIES = {"SY": "SYR", "UA": "UKR", "YE": "YEM", "AF": "AFG", "MM": "MMR", "SD": "SDN", "NG": "NGA",
             "IQ": "IRQ", "ML": "MLI", "BF": "BFA", "CD": "COD", "SO": "SOM", "MX": "MEX", "CO": "COL",
             "PK": "PAK", "IN": "IND", "LY": "LBY", "MZ": "MOZ", "NE": "NER", "CF": "CAF", "SS": "SSD",
             "ET": "ETH", "CM": "CMR", "PH": "PHL", "BR": "BRA", "LB": "LBN", "IL": "ISR", "TR": "TUR",
             "EG": "EGY", "KE": "KEN", "BI": "BDI", "TD": "TCD", "BD": "BGD", "TH": "THA", "HT": "HTI",
             "NI": "NIC", "IR": "IRN", "UG": "UGA", "VE": "VEN", "DZ": "DZA"}
TOWNS_PER_PROVINCE = 40
NAMED_GROUPS = 3000
CORE_SHARE, CORE_MAX = 0.10, 30
GENERIC_ACTORS = ["Unidentified Armed Group", "Military Forces", "Police Forces", "Protesters", "Rioters", "Civilians"]


class World:
    """The places and groups the watchlist rules and their events share (fixed, seeded)."""

    def __init__(self, seed: int = 3):
        rng = random.Random(seed)
        admin1 = Path(__file__).resolve().parents[1] / "extraction" / "data" / "admin1.tsv"
        provinces: dict[str, list[str]] = {cc: [] for cc in COUNTRIES}
        for line in admin1.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) >= 3 and cols[0] in provinces:
                provinces[cols[0]].append(cols[2])
        self.countries = [cc for cc in COUNTRIES if provinces[cc]]
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.countries))]
        self.provinces = {cc: sorted(set(provinces[cc])) for cc in self.countries}
        self.groups = ACTOR_NAMES + [f"{rng.choice(['Brigade', 'Front', 'Battalion', 'Movement', 'Army'])} {i:03d}"
                                     for i in range(NAMED_GROUPS - len(ACTOR_NAMES))]
        self.group_kind = {name: rng.choice(ACTOR_KINDS) for name in self.groups}
        # groups act in one or two countries each
        self.group_countries = {name: rng.sample(self.countries, 2) for name in self.groups}
        self.groups_in: dict[str, list[str]] = {cc: [] for cc in self.countries}
        for name, ccs in self.group_countries.items():
            for cc in ccs:
                self.groups_in[cc].append(name)

    def country(self, rng: random.Random) -> str:
        return rng.choices(self.countries, self.weights)[0]

    def province(self, rng: random.Random, country: str | None = None) -> str:
        return rng.choice(self.provinces[country or self.country(rng)])

    @staticmethod
    def town(province: str, k: int) -> str:
        return f"Town {province}/{k}"

    def group(self, rng: random.Random, country: str | None = None) -> str:
        pool = self.groups_in.get(country or self.country(rng)) or self.groups
        return rng.choice(pool)


def _typed(rng: random.Random) -> dict:
    shape = rng.random()
    if shape < 0.5:
        return {"event_type": rng.choices(EVENT_TYPES, RULE_TYPE_WEIGHTS)[0]}
    if shape < 0.7:
        return {"event_type": {"in": rng.sample(EVENT_TYPES, 2)}}
    return {}


def watchlist_rule(i: int, rng: random.Random, world: World) -> dict:
    """One watchlist rule: a province and a kind of incident, towns, or named groups."""
    when = _typed(rng)
    subject = rng.random()
    extra = 0
    if subject < 0.30:
        when["location"] = {"within": world.province(rng)}
        extra = rng.randint(1, 2)
    elif subject < 0.65:
        province = world.province(rng)
        towns = [world.town(province, k) for k in rng.sample(range(TOWNS_PER_PROVINCE), rng.randint(1, 3))]
        when["location.name"] = towns if len(towns) > 1 else towns[0]
    else:
        country = world.country(rng)
        names = sorted({world.group(rng, country) for _ in range(rng.randint(1, 2))})
        if rng.random() < 0.5:
            when["actors.name"] = {"in": names}
        else:
            when["actors"] = {"any": {"name": names[0]}}
        if rng.random() < 0.5:
            when["location"] = {"within": country}
    _add_conditions(when, rng, extra)
    rule = {"id": f"watch-{i:05d}", "title": f"Watchlist rule {i}", "level": rng.choice(["low", "medium", "high"]),
            "status": "stable", "when": when, "dedup": {"key": ["location.admin1_code"], "within": "6h"},
            "notify": ["slack"]}
    if rng.random() < 0.1:
        rule["unless"] = {"hedged": True}
    return rule


def watchlist_rules(count: int, seed: int = 7) -> list[dict]:
    """`count` rules: the core pack (broad rules, 10%, at most 30), then watchlist rules."""
    rng, world = random.Random(seed), World()
    core = min(CORE_MAX, int(count * CORE_SHARE))
    return [broad_rule(i, rng) for i in range(core)] + [watchlist_rule(i, rng, world) for i in range(core, count)]


def watchlist_events(count: int, seed: int = 11) -> list:
    """Events in the watched world: the broad mix's events moved to its towns and groups."""
    from rules.event import Actor, Place

    rng, world = random.Random(seed + 1), World()
    out = []
    for event in broad_events(count, seed):
        country = world.country(rng)
        province = world.province(rng, country)
        location = None if event.location is None else Place(
            text="somewhere", name=world.town(province, rng.randrange(TOWNS_PER_PROVINCE)), admin1_code=province,
            country_code=COUNTRIES[country], precision="town")
        # Half of the actors a report names are generic ("unidentified gunmen", "regime
        # forces"; a share set by hand); the others are named groups active in the country.
        names = {rng.choice(GENERIC_ACTORS) if rng.random() < 0.5 else world.group(rng, country) for _ in event.actors}
        actors = tuple(Actor(text="they", name=name, kind=world.group_kind.get(name, "unidentified")) for name in sorted(names))
        out.append(event.model_copy(update={"location": location, "actors": actors}))
    return out


def broad_rules(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [broad_rule(i, rng) for i in range(count)]


MIXES = {"watchlist": (watchlist_rules, watchlist_events), "broad": (broad_rules, broad_events)}


def write_rules(folder: Path, rules: list[dict], per_file: int = 100) -> None:
    """The rules as YAML files of `per_file` documents each, with the shared library."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_library.yaml").write_text(yaml.dump(LIBRARY, Dumper=dumper, sort_keys=False))
    for start in range(0, len(rules), per_file):
        (folder / f"gen-{start // per_file:04d}.yaml").write_text(yaml.dump_all(
            rules[start:start + per_file], Dumper=dumper, sort_keys=False, explicit_start=True))
