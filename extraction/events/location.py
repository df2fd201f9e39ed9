"""Where: pick a gazetteer candidate for each place mention and read its qualifier."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from rules.event import Place

from ..components.lexicon import PlaceMention
from ..gazetteer.places import Gazetteer, PlaceEntry, country_name, fold, iso3

_AREA_NOUNS = {"countryside", "outskirts", "suburbs", "vicinity", "environs", "province", "governorate",
               "areas", "area", "villages", "district", "region", "desert", "parts", "part", "state"}
_QUALIFIER_WORDS = {"the", "far", "north", "south", "east", "west", "northern", "southern", "eastern",
                    "western", "northeastern", "northwestern", "southeastern", "southwestern", "central",
                    "north-eastern", "north-western", "south-eastern", "south-western", "rural", "western-"}
_PROVINCE_AFTER = {"province", "governorate", "state", "region", "countryside", "oblast", "district"}
_PROVINCE_BEFORE = {"province", "governorate", "countryside", "outskirts", "state", "rural"}
_PRECISION_RANK = {"point": 0, "town": 1, "area": 2, "admin1": 3, "region": 4, "country": 5}


def focus_country(doc: Doc) -> str | None:
    """The country most unambiguous place mentions in the report belong to."""
    votes: Counter[str] = Counter()
    for mention in doc._.wf_places:
        countries = {c.country_code for c in mention.candidates}
        if len(countries) == 1:
            votes[countries.pop()] += 2 if any(c.from_overlay for c in mention.candidates) else 1
    return votes.most_common(1)[0][0] if votes else None


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


def _pick(candidates: tuple[PlaceEntry, ...], country: str | None, want_province: bool,
          context: set[str], text_key: str) -> PlaceEntry:
    """The most plausible reading of a mention.

    `context` holds the province and country codes the other places of the sentence can be,
    so "Salamanca, Guanajuato" picks the Salamanca in Guanajuato.
    """

    def score(entry: PlaceEntry):
        exact_country = entry.precision == "country" and fold(entry.name) == text_key
        return (
            entry.from_overlay,
            exact_country and not want_province,
            (entry.admin1_code in context) + (entry.country_code in context),
            entry.country_code == country,
            want_province == (entry.precision == "admin1"),
            entry.population,
        )

    return max(candidates, key=score)


def context_codes(mentions: list[PlaceMention]) -> list[set[str]]:
    """For each mention, the province and country codes the *other* mentions could be."""
    codes = [{c for e in m.candidates for c in (e.admin1_code, e.country_code) if c} for m in mentions]
    return [set().union(*(c for j, c in enumerate(codes) if j != i)) if len(codes) > 1 else set()
            for i in range(len(codes))]


def resolve(doc: Doc, mention: PlaceMention, gaz: Gazetteer, country: str | None,
            context: set[str] = frozenset()) -> Place:
    """The contract's Place for one mention."""
    words, province_words = qualifier(doc, mention)
    entry = _pick(mention.candidates, country, province_words, set(context), fold(doc[mention.start:mention.end].text))
    precision = entry.precision
    if words and precision in ("town", "admin1") and not words.endswith(("province", "governorate", "state")):
        precision = "area"  # the countryside around a town or within a province
    province = gaz.province(entry.admin1_code)
    return Place(
        text=doc[mention.start:mention.end].text,
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
