"""Which country a report is about: votes from the place names it uses (pure)."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from ..components.lexicon import PlaceMention
from ..gazetteer.places import fold
from .report_facts import theatres_in
from .location import _by_alias, _chains, _exact_country, _known, _names_an_actor, _role, _sentences


def _votes(doc: Doc, mentions: list[PlaceMention]) -> Counter[str]:
    """One sentence's votes for the report's country (see focus_country)."""
    votes: Counter[str] = Counter()
    chains = _chains(doc, mentions)
    chained = {i for chain in chains if len(chain) > 1 for i in chain}
    outer = {chain[-1] for chain in chains if len(chain) > 1}
    for n, mention in enumerate(mentions):
        role = _role(doc, mention)
        if n in outer and role == "place":
            role = "container"
        exact = [c for c in mention.candidates if _exact_country(c)]
        if exact and role in ("place", "container"):
            # "the forces of Azerbaijan" say less about where than "in Azerbaijan"
            votes[exact[0].country_code] += 1 if _names_an_actor(doc, mention) else 3
            continue
        # What the words say it is: "Kabul" after a comma is the province, not the Kabul in Israel.
        tiers = {"province": ("admin1",), "container": ("admin1", "area"), "district": ("area", "admin1")}.get(role, ())
        readings = next(([c for c in mention.candidates if c.precision == p] for p in tiers
                         if any(c.precision == p for c in mention.candidates)), None)
        fits = readings is not None  # the words and the gazetteer agree on what it is
        readings = readings or list(mention.candidates)
        if n not in chained and role == "place" and all(c.precision == "area" for c in readings):
            continue  # a district name alone ("Elias" of "Bar Elias") is often a word or a person
        countries = {c.country_code for c in readings}
        if len(countries) == 1:
            votes[countries.pop()] += 1 + any(c.from_overlay for c in readings) + fits + (fits and n in outer)
    for chain in chains:
        if len(chain) > 1:  # the country most names of an address chain can be in
            counts = Counter(c for i in chain for c in {e.country_code for e in mentions[i].candidates})
            ranked = counts.most_common(2)
            if ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
                votes[ranked[0][0]] += 2
    return votes


def focus_country(doc: Doc) -> str | None:
    """The country the report is about, by votes: a country named as such; a name that can be in
    one country only (more if the overlay has it, if the words around it say it is a province or
    district, and if it ends an address chain; a district name alone does not vote); the country
    most names of an address chain agree on. Towns known by an alternate name and small places
    known by their own name only do not vote, unless the report names no other place. A theatre
    the report names by its own words (data/theatres.yaml: "OSCE SMM", "DPR") votes like a country
    named as such; one named by its parties ("Taliban", "Houthi") votes for its country lightly."""
    sentences = _sentences(doc)
    theatres: Counter[str] = Counter()
    for theatre in theatres_in(doc):
        theatres[theatre.country_code] += theatre.vote
    only_minor = all(c.minor for mentions in sentences for m in mentions for c in m.candidates)
    for minor in (False, True) if only_minor else (False,):
        votes: Counter[str] = Counter(theatres)
        for mentions in sentences:
            if minor:  # names known only as small places
                mentions = [m for m in mentions if all(c.minor for c in m.candidates)]
            else:  # towns by an alternate name vote only where the words say it is a place ("X, Fizuli")
                mentions = [PlaceMention(m.start, m.end, tuple(
                    c for c in _known(doc, m, None).candidates
                    if not c.minor and (_role(doc, m) != "place" or not _by_alias(c, fold(doc[m.start:m.end].text)))))
                    for m in mentions]
                mentions = [m for m in mentions if m.candidates]
            votes.update(_votes(doc, mentions))
        if votes:
            return votes.most_common(1)[0][0]
    return None
