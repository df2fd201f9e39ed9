"""Address chains: names that read as one address ("Leon, Guanajuato", "Muaja (Ancuabe,
Cabo Delgado)") and what the words around a name say it is (pure)."""

from __future__ import annotations

from spacy.tokens import Doc

from ..components.lexicon import PlaceMention
from ..gazetteer.places import PlaceEntry
from .place_words import _CHAIN_GAP, _CHAIN_GLUE, _DISTRICT_WORDS, _NAME_JOINERS, _PROVINCE_WORDS


def _role(doc: Doc, mention: PlaceMention) -> str:
    """What the words around a name say it is: "province", "district", "container" (it follows
    another name after a comma or bracket: "Leon, Guanajuato") or a plain "place"."""
    after = doc[mention.end].lower_ if mention.end < len(doc) else ""
    last = doc[mention.end - 1].lower_ if mention.end - mention.start > 1 else ""
    if after in _PROVINCE_WORDS or last in _PROVINCE_WORDS:  # "Kunduz province" is also a name
        return "province"
    if after in _DISTRICT_WORDS or last in _DISTRICT_WORDS:
        return "district"
    i = mention.start
    if i >= 2 and doc[i - 1].lower_ == "of" and doc[i - 2].lower_ in _PROVINCE_WORDS:
        return "province"  # "the province of Kunduz"
    if i >= 2 and doc[i - 1].text in (",", "(") and (doc[i - 2].text[:1].isupper() or doc[i - 2].lower_ in _DISTRICT_WORDS):
        return "container"
    return "place"


def _linked(doc: Doc, left: PlaceMention, right: PlaceMention) -> bool:
    """True when the two names are one address chain: between them only commas, an opening
    bracket, words such as "district", "of", "city", and the rest of a name the gazetteer knows
    only in part ("Kash Rod district, Nimruz", "Tala wa Bafrak district, Baghlan"), with at least
    one comma, bracket or division word. A closing bracket, "and" or any other word ends it."""
    between = doc[left.end:right.start]
    if not 0 < len(between) <= _CHAIN_GAP:
        return False  # two names side by side are one name the gazetteer does not know whole
    separated = False
    for t in between:
        if t.lower_ in _CHAIN_GLUE or t.lower_ in _DISTRICT_WORDS or t.lower_ in _PROVINCE_WORDS:
            separated = separated or t.lower_ not in _NAME_JOINERS
        elif t.text == ")" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in _DISTRICT_WORDS | _PROVINCE_WORDS:
            continue  # "Nad Ali (Marja) district, Helmand": a bracketed other name of the district
        elif not (t.is_space or t.lower_ in _NAME_JOINERS or (t.text[:1].isupper() and t.is_alpha)):
            return False
    if not separated and any(t.lower_ == "of" for t in between):
        separated = _role(doc, right) in ("province", "district")  # "Saidan of Nahri Saraj district"
    return separated


def _chains(doc: Doc, mentions: list[PlaceMention]) -> list[list[int]]:
    """Indices of the mentions grouped into address chains (a lone name is a chain of one)."""
    chains: list[list[int]] = []
    for i, mention in enumerate(mentions):
        if chains and _linked(doc, mentions[chains[-1][-1]], mention):
            chains[-1].append(i)
        else:
            chains.append([i])
    return chains


def _same_province(a: PlaceEntry, b: PlaceEntry) -> bool:
    if a.country_code != b.country_code:
        return False
    if a.admin1_code or b.admin1_code:
        return a.admin1_code == b.admin1_code
    return a.admin1_name is not None and a.admin1_name == b.admin1_name


def _relation(a: PlaceEntry, b: PlaceEntry) -> int:
    """2 for the same province, 1 for the same country, 0 else."""
    if a.country_code != b.country_code:
        return 0
    return 2 if _same_province(a, b) else 1
