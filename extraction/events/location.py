"""Where: pick a gazetteer candidate for each place mention and read its qualifier.

Readings are chosen a sentence at a time; names of an address chain (place_chains.py) take the
reading that agrees best with the others, and a town the gazetteer lacks in the province the
chain names is placed in that province. Lone names prefer the provinces the report names and
its focus country (focus.py). Names that do not say where ("the forces of Azerbaijan", "Sanaa
Street", a small place abroad) are dropped: resolve returns None.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from rules.event import Place

from ..components.lexicon import PlaceMention
from ..gazetteer.places import Gazetteer, PlaceEntry, country_name, fold, iso3
from .report_facts import theatres_in
from .candidates import (  # noqa: F401
    _acronym, _by_alias, _exact_country, _exonym, _known, _locality, _part_of_a_name, _weak,
)
from .place_chains import _chains, _linked, _relation, _role, _same_province  # noqa: F401
from .place_words import (  # noqa: F401
    _AREA_NOUNS, _QUALIFIER_WORDS, _PROVINCE_AFTER, _PROVINCE_BEFORE, _PRECISION_RANK, _PROVINCE_WORDS,
    _DISTRICT_WORDS, _CHAIN_GLUE, _ACTOR_NOUNS, _LOCALITY_AFTER, _LOCALITY_BEFORE, _STREET_WORDS,
    _SETTLEMENT_WORDS, _PLURAL_DIVISIONS, _CHAIN_GAP, _NAME_JOINERS, _PREFERENCE,
)


@dataclass(frozen=True)
class _Reading:
    """The reading chosen for one mention. `anchor` is set for a name placed in a province the
    report names because the gazetteer has no such place there (an unknown village of an address
    chain, a doubtful lone name: see _analyse); `redundant` for a name that says nothing about
    where (a country the names after it place more precisely, a street named after a city)."""

    entry: PlaceEntry
    anchor: PlaceEntry | None = None
    redundant: bool = False


def _pick(candidates: tuple[PlaceEntry, ...], country: str | None, want_province: bool,
          context: set[str], text_key: str, *, role: str | None = None, chain: list[tuple[PlaceEntry, ...]] = (),
          named: frozenset[str] = frozenset(), theatre: frozenset[str] = frozenset()) -> PlaceEntry:
    """The most plausible reading of a mention.

    In order: the overlay; a country's own name; in a report that names a theatre, a province
    another name of the address chain is ("Vasylivka, Zaporizhzhia oblast" in a JFO report), then
    the provinces of the theatre (`theatre`: "Azov, Donetsk" in an OSCE SMM report is not the Azov
    and Donetsk of Rostov); agreement with the other names of its address chain (same province counts twice, same
    country once); for a name after a comma or before "state", its province reading; with the
    provinces and countries the other places of the sentence can be (`context`: "Salamanca ...
    Guanajuato"); with the provinces the report names elsewhere (`named`); the focus country;
    the precision the words
    around it call for; population.
    """
    role = role or ("province" if want_province else "place")
    order = _PREFERENCE[role]
    # A province weighs as much as the largest town of the same name in it: "San Salvador" the
    # department of El Salvador (the capital's), not the district of the Bahamas.
    weight: dict[tuple[str, str | None], int] = {}
    for entry in candidates:
        key = (entry.country_code, entry.admin1_code)
        weight[key] = max(weight.get(key, 0), entry.population)

    def score(entry: PlaceEntry):
        agree = sum(max((_relation(entry, other) for other in others), default=0) for others in chain)
        # the province the chain names is said outright, the theatre only implied by the report
        stated = sum(any(o.precision == "admin1" and _same_province(entry, o) for o in others)
                     for others in chain) if theatre else 0
        return (
            entry.from_overlay,
            # "Mexico" is the country, but "Los Reyes Acozac, Mexico" may be in the state of Mexico
            _exact_country(entry) and (role == "place" or (role == "container" and not chain)),
            stated,
            entry.admin1_code in theatre if entry.admin1_code else False,
            agree,
            # "La Sabana, Guerrero": the state the words name, whatever else the sentence names
            role in ("province", "container") and entry.precision == "admin1",
            (entry.admin1_code in context) + (entry.country_code in context),
            entry.admin1_code in named if entry.admin1_code else False,
            entry.country_code == country,
            # "Al Jawf" the governorate, not Jawf al Maqbabah; but "Odessa" is Odesa, not the one in Texas
            not _by_alias(entry, text_key) or entry.population >= 50_000,
            -order.index(entry.precision) if entry.precision in order else -len(order),
            entry.population or weight[(entry.country_code, entry.admin1_code)],
        )

    return max(candidates, key=score)


def context_codes(mentions: list[PlaceMention]) -> list[set[str]]:
    """For each mention, the province and country codes the *other* mentions could be."""
    codes = [{c for e in m.candidates for c in (e.admin1_code, e.country_code) if c} for m in mentions]
    return [set().union(*(c for j, c in enumerate(codes) if j != i)) if len(codes) > 1 else set()
            for i in range(len(codes))]


def _read_chain(doc: Doc, mentions: list[PlaceMention], chain: list[int], country: str | None,
                contexts: list[set[str]], named: frozenset[str], theatre: frozenset[str] = frozenset()
                ) -> dict[int, _Reading]:
    readings: dict[int, _Reading] = {}
    for i in chain:
        mention = mentions[i]
        others = [mentions[j].candidates for j in chain if j != i]
        role = _role(doc, mention)
        if role == "place" and i != chain[0]:
            role = "container"
        if role in ("place", "container") and qualifier(doc, mention)[1]:
            role = "province"  # "the countryside of Aleppo", "rural Damascus"
        text_key = fold(doc[mention.start:mention.end].text)
        entry = _pick(mention.candidates, country, role == "province", contexts[i], text_key,
                      role=role, chain=others, named=named, theatre=theatre)
        readings[i] = _Reading(entry)
    # "Yemen (Hays, Al Hudaydah)": the country adds nothing to the names after it.
    first = readings[chain[0]].entry
    if first.precision == "country" and any(
            readings[j].entry.country_code == first.country_code and readings[j].entry.precision != "country"
            for j in chain[1:]):
        readings[chain[0]] = _Reading(first, redundant=True)
    last = mentions[chain[-1]]
    after = doc[last.end:last.end + 4]
    plural = any(t.lower_ in _PLURAL_DIVISIONS for t in after) and (
        len(after) and (after[0].lower_ in _PLURAL_DIVISIONS or after[0].lower_ in ("and", "or")))
    # "Kabul, Ghor, Laghman", "Kabul, Ghor and Balkh provinces": a list, not an address
    listed = len(chain) > 2 or plural
    # A name with no reading in the province (or country) a later name of its chain is: an
    # unknown village of that province, not the namesake elsewhere.
    for n, i in enumerate(chain[:-1]):
        entry = readings[i].entry
        if entry.precision not in ("town", "area", "admin1"):
            continue
        for j in chain[n + 1:]:
            anchor = readings[j].entry
            if country is not None and anchor.country_code != country:
                continue  # "the Aley town of Ain": a namesake abroad is no address in the report's country
            if anchor.precision in ("admin1", "area") and (anchor.admin1_code or anchor.admin1_name):
                sibling = listed and anchor.precision == "admin1" and any(
                    c.precision == "admin1" and c.country_code == anchor.country_code for c in mentions[i].candidates)
                if not sibling and not any(_same_province(c, anchor) for c in mentions[i].candidates):
                    readings[i] = _Reading(entry, anchor)
                break
            if anchor.precision == "country":
                if not any(c.country_code == anchor.country_code for c in mentions[i].candidates):
                    readings[i] = _Reading(entry, anchor)
                break
    return readings


def _sentences(doc: Doc) -> list[list[PlaceMention]]:
    """The place mentions of each sentence that has any."""
    groups: dict[int, list[PlaceMention]] = {}
    for mention in doc._.wf_places:
        groups.setdefault(doc[mention.start].sent.start, []).append(mention)
    return list(groups.values())


@dataclass
class _DocReadings:
    readings: dict[tuple[int, int], _Reading]
    named: frozenset[str]


def _analyse(doc: Doc, country: str | None, gaz: Gazetteer | None = None) -> _DocReadings:
    """Readings of every mention of the report, in two passes: the first finds the provinces
    the report names as such (the province or district readings of names in address chains and
    of names followed by "province", "district" and the like); the second prefers them for the
    other names, and a doubtful lone name that is in none of them is placed in the nearest one
    named (an unknown neighbourhood of that province rather than a namesake elsewhere)."""
    # the provinces of a theatre the report names by its own words ("OSCE SMM": Donetsk, Luhansk)
    theatre = frozenset(code for t in theatres_in(doc) if t.country_code == country
                        for code in t.admin1_codes)
    sentences = []
    for mentions in _sentences(doc):
        kept = [_known(doc, m, country, gaz, theatre) for m in mentions]
        kept = [m for m in kept if m.candidates]
        # "in the Qaisar Dahani areas of Farah city": beside a name said whole, a word of a longer
        # name the gazetteer does not know says nothing about where
        whole = [m for m in kept if not _part_of_a_name(doc, m)]
        kept = whole or kept
        if kept:
            sentences.append((kept, _chains(doc, kept)))
    namings: list[tuple[int, PlaceEntry]] = []
    for mentions, chains in sentences:
        contexts = context_codes(mentions)
        for chain in chains:
            for i, reading in _read_chain(doc, mentions, chain, country, contexts, frozenset(), theatre).items():
                role = _role(doc, mentions[i])
                entry = reading.anchor or reading.entry
                explicit = (len(chain) > 1 or role in ("province", "district") or (
                    role == "container" and entry.precision == "admin1")) and country in (entry.country_code, None)
                if explicit and entry.precision in ("admin1", "area") and (entry.admin1_code or entry.admin1_name):
                    namings.append((mentions[i].start, entry))
    named = frozenset(e.admin1_code for _, e in namings if e.admin1_code)
    readings: dict[tuple[int, int], _Reading] = {}
    for mentions, chains in sentences:
        contexts = context_codes(mentions)
        for chain in chains:
            found = _read_chain(doc, mentions, chain, country, contexts, named, theatre)
            if len(chain) == 1 and namings:
                i = chain[0]
                entry = found[i].entry
                role = _role(doc, mentions[i])
                in_named = any(_same_province(entry, e) for _, e in namings)
                key = fold(doc[mentions[i].start:mentions[i].end].text)
                local = _locality(doc, mentions[i])
                if role in ("place", "container") and not in_named and (local or _weak(entry, country, key)):
                    start = mentions[i].start
                    before = [e for at, e in namings if at < start]
                    anchor = before[-1] if before else min(namings, key=lambda n: n[0] - start)[1]
                    found[i] = _Reading(entry, anchor)
            for i, reading in found.items():
                readings[(mentions[i].start, mentions[i].end)] = reading
        # A country the sentence also names a place in ("in Mudiyah (Mudiyah, Abyan) ... in South
        # Yemen") adds nothing to where; a name that names a street ("Sanaa Street") is not a place.
        inside = {(r.anchor or r.entry).country_code for m in mentions
                  if (r := readings[(m.start, m.end)]).entry.precision != "country" or r.anchor}
        for m in mentions:
            r = readings[(m.start, m.end)]
            street = m.end < len(doc) and doc[m.end].lower_ in _STREET_WORDS
            # "In Barquisimeto, Lara state, migrants returned from Ecuador": a country abroad beside
            # a place in the report's own country is where people came from or went, not where
            abroad = country is not None and country in inside and r.entry.country_code != country
            aside = r.entry.precision == "country" and not r.anchor and (r.entry.country_code in inside or abroad)
            if street or aside:
                readings[(m.start, m.end)] = _Reading(r.entry, r.anchor, redundant=True)
    return _DocReadings(readings, named)


def named_provinces(doc: Doc, country: str | None) -> frozenset[str]:
    """The provinces (ISO 3166-2) the report names as such."""
    return _analyse(doc, country).named


def qualifier(doc: Doc, mention: PlaceMention) -> tuple[str | None, bool]:
    """("far eastern countryside of", True) for "the far eastern countryside of Aleppo".

    The flag says the words point at the province rather than the town.
    """
    i = mention.start
    if i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in _AREA_NOUNS:
        start = i - 2
        while start > 0 and doc[start - 1].lower_ in _QUALIFIER_WORDS:
            start -= 1
        words = [t.text for t in doc[start:i] if t.lower_ != "the"]
        return " ".join(words), doc[i - 2].lower_ in _PROVINCE_BEFORE
    if i >= 1 and doc[i - 1].lower_ in ("rural",):
        return "rural", True
    if mention.end < len(doc) and doc[mention.end].lower_ in _PROVINCE_AFTER:
        return doc[mention.end].text.lower(), True
    return None, False


def _names_an_actor(doc: Doc, mention: PlaceMention) -> bool:
    """True for the country of "the military forces of Azerbaijan", "the government of Yemen",
    "Saudi forces", "Saudi-led": it says whose forces, not where."""
    after = doc[mention.end:mention.end + 2]
    if len(after) and (after[0].lower_ in _ACTOR_NOUNS or (
            after[0].text in "-–" and len(after) > 1 and after[1].lower_ in ("led", "backed", "based", "funded"))):
        return True
    i = mention.start
    while i > 0 and doc[i - 1].lower_ in ("the",):
        i -= 1
    return i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in _ACTOR_NOUNS


def _in_a_name(doc: Doc, mention: PlaceMention) -> bool:
    """True for the country of "the Ghana Revenue Authority", "Mali Zvornik": a country's name
    followed by a capitalised word is part of a longer name."""
    if mention.end >= len(doc):
        return False
    after = doc[mention.end]
    return after.is_alpha and after.text[:1].isupper() and not after.is_sent_start


def _reading(doc: Doc, mention: PlaceMention, country: str | None, gaz: Gazetteer | None = None) -> _Reading | None:
    """The reading of a mention; the report's readings are computed once and kept on the Doc."""
    cache = doc.user_data.setdefault("wf_location", {})
    if country not in cache:
        cache[country] = _analyse(doc, country, gaz)
    return cache[country].readings.get((mention.start, mention.end))


def resolve(doc: Doc, mention: PlaceMention, gaz: Gazetteer, country: str | None,
            context: set[str] = frozenset()) -> Place | None:
    """The contract's Place for one mention, or None when none of its readings is worth taking
    (a small place abroad, see `_known`). `context` is kept for callers: the readings of the
    report's mentions are computed together, see the module docstring."""
    words, _ = qualifier(doc, mention)
    reading = _reading(doc, mention, country, gaz)
    if reading is None or reading.redundant:
        return None
    if reading.entry.precision == "country" and (_names_an_actor(doc, mention) or _in_a_name(doc, mention)):
        return None
    text = doc[mention.start:mention.end].text
    if reading.anchor is not None:
        anchor = reading.anchor
        province = gaz.province(anchor.admin1_code)
        return Place(
            text=text,
            qualifier=words,
            name=text,
            admin1_name=anchor.admin1_name or (province.admin1_name if province else None),
            admin1_code=anchor.admin1_code,
            country=country_name(anchor.country_code),
            country_code=iso3(anchor.country_code),
            precision="area" if words else "town",
        )
    entry = reading.entry
    precision = entry.precision
    if words and precision in ("town", "admin1") and not words.endswith(("province", "governorate", "state")):
        precision = "area"  # the countryside around a town or within a province
    province = gaz.province(entry.admin1_code)
    return Place(
        text=text,
        qualifier=words,
        name=entry.name,
        admin1_name=entry.admin1_name or (province.admin1_name if province else None),
        admin1_code=entry.admin1_code,
        country=country_name(entry.country_code),
        country_code=iso3(entry.country_code),
        lat=entry.lat,
        lon=entry.lon,
        geonameid=entry.geonameid,
        precision=precision,  # type: ignore[arg-type]
    )


def specificity(place: Place) -> int:
    """Lower is more specific."""
    return _PRECISION_RANK.get(place.precision or "country", 5)
