"""Which gazetteer readings of a place mention are worth weighing (pure): names in capitals,
towns abroad by an alternate name, small places outside the report's country, words that are
only part of a longer name ("Audi Bank", "Madinat as Saleh"), neighbourhoods, doubtful readings."""

from __future__ import annotations

from difflib import SequenceMatcher

from spacy.tokens import Doc

from ..components.lexicon import PlaceMention
from ..gazetteer.places import Gazetteer, PlaceEntry, fold
from .place_words import (
    _ACTOR_NOUNS, _AREA_NOUNS, _DISTRICT_WORDS, _LOCALITY_AFTER, _LOCALITY_BEFORE, _NAME_JOINERS, _PROVINCE_WORDS,
    _SETTLEMENT_WORDS, _STREET_WORDS, _FACILITY_WORDS, _NAME_HEADS,
)


def _exact_country(entry: PlaceEntry) -> bool:
    """A country read by one of its names ("Macedonia", "Ivory Coast"): a country's entry is
    listed only under its own names (see _known for the one exception, which it leaves out)."""
    return entry.precision == "country"


def _acronym(text: str) -> bool:
    """"US", "UN", "NAF": capitals only, a few letters."""
    letters = [ch for ch in text if ch.isalpha()]
    return 0 < len(letters) <= 5 and text.isupper()


def _by_alias(entry: PlaceEntry, key: str) -> bool:
    """A town matched through one of its alternate names only ("Molotov" for Perm, "Cola" for
    Kola): former and foreign-language names that are often ordinary words in English."""
    return entry.precision == "town" and not entry.from_overlay and fold(entry.name) != key


def _exonym(entry: PlaceEntry, key: str) -> bool:
    """An alternate name a city is known by abroad: "Kiev", "Odessa", "Bombay" (a city of a
    million, spelt much like its name, or of five million), not "Kotwali" for Rangpur."""
    if entry.population >= 5_000_000:
        return True
    return entry.population >= 1_000_000 and SequenceMatcher(None, key, fold(entry.name)).ratio() >= 0.5


def _known(doc: Doc, mention: PlaceMention, country: str | None, gaz: Gazetteer | None = None,
           theatre: frozenset[str] = frozenset()) -> PlaceMention:
    """The mention with the readings worth weighing.

    - A name in capitals ("US", "AA") reads only as a place written that way (the overlay's "J&K").
    - "Hays city": also the readings of "Hays".
    - A town abroad matched by an alternate name only counts as an exonym ("Kiev"; see _exonym).
    - Small places known by their own name only (the gazetteer's `minor` villages) are a last
      resort: read only for a name the gazetteer knows no other way, and only in the report's
      focus country, else a word such as "Martyr" or "Serail" would be a village somewhere;
      but one in the provinces of the theatre the report names (`theatre`) stands beside the
      larger namesakes: "near Troitske" in a Donbas report.
    - A word that is only part of a longer name (see _part_of_a_name) and no place in the
      report's country reads only as a country or one of the overlay's places: "Celso Miranda"
      is no Venezuelan state, "Mineral Chico" no Chico in California.
    """
    text = doc[mention.start:mention.end].text
    key = fold(text)
    kept = mention.candidates
    words = key.split(" ")
    if gaz is not None and len(words) > 1 and words[-1] in _SETTLEMENT_WORDS:
        # "Hays city" is the name of a town in Kansas and the city of Hays in Yemen
        kept = kept + tuple(c for c in gaz.by_name.get(" ".join(words[:-1]), ())
                            if c not in kept and c.precision != "country")
    if _acronym(text):
        kept = tuple(c for c in kept if c.from_overlay or c.name.isupper())
    if country is not None:
        kept = tuple(c for c in kept if c.country_code == country or not _by_alias(c, key) or _exonym(c, key))
    if any(c.minor for c in kept):
        major = tuple(c for c in kept if not c.minor)
        local = tuple(c for c in kept if c.minor and c.country_code == country and c.admin1_code in theatre)
        kept = (major + local) if major else tuple(c for c in kept if c.country_code == country)
    at_home = country is not None and any(c.country_code == country for c in kept)
    if kept and not at_home and _part_of_a_name(doc, mention):
        # "Audi Bank", "Naval Infantry", "Madinat as Salam": a word of a longer name, not a town
        # somewhere; but "Shewa Robit" may be the town the report's country has under its shorter
        # name, and "the Trujillo Teaching hospital" is in the Trujillo the report names
        kept = tuple(c for c in kept if c.from_overlay or c.precision == "country")
    return mention if kept == mention.candidates else PlaceMention(mention.start, mention.end, kept)


def _locality(doc: Doc, mention: PlaceMention) -> bool:
    """True for a neighbourhood the words say is one: "Santa Maria neighborhood", "the Cano
    Furado community", "Colonia Vistas del Rio", "Barrio Obrero", "the Rabat area of ...": a
    namesake town elsewhere it is not."""
    after = doc[mention.end:mention.end + 3]
    if len(after) > 1 and after[0].lower_ in ("area", "areas", "village", "villages") and after[1].lower_ == "of":
        return True  # "the Rabat area of Tarnak district, Zabul": a part of what follows
    if any(t.lower_ in _LOCALITY_AFTER for t in after[:1]) or (
            len(after) > 1 and after[0].is_alpha and after[0].text[:1].isupper() and after[1].lower_ in _LOCALITY_AFTER):
        return True
    before = doc[max(0, mention.start - 3):mention.start + 1]  # "Colonia Del Valle" may be a name whole
    return any(t.lower_ in _LOCALITY_BEFORE for t in before)


def _weak(entry: PlaceEntry, country: str | None, key: str) -> bool:
    """A reading too doubtful to stand against the provinces the report names: a village or
    district name that is also a word ("Federal", "Villa", "Metro", "Portales" of "Colonia Los
    Portales"), a small namesake elsewhere, a town by an alternate name ("Flores" for Timon).
    Provinces and countries, large cities, and the overlay's places are taken at their word;
    abroad only very large cities are."""
    if entry.from_overlay or entry.precision == "country":
        return False
    if _by_alias(entry, key):
        return not _exonym(entry, key)
    if country is None or entry.country_code == country:
        return entry.precision not in ("admin1",) and entry.population < 100_000
    return entry.population < 500_000


def _part_of_a_name(doc: Doc, mention: PlaceMention) -> bool:
    """True when the words around a name make it part of a longer one the gazetteer does not
    know: a capitalised word before it ("Audi Bank", "Bar Elias", "Luis Rodriguez") or after it
    ("Naval Infantry", "Hamas Movement"), a number after it ("Mine 6/7"), or a joiner and a
    capitalised word after it ("Madinat as Saleh", "College of Mass Communication"). Words that
    say what kind of place a name is ("Sidon City", "Kabul airport", "North Waziristan") and the
    first word of a sentence do not count."""
    start, end = mention.start, mention.end
    if start > 0:
        before = doc[start - 1]
        if (before.is_alpha and before.text[:1].isupper() and not before.is_sent_start
                and before.lower_ not in _NAME_HEADS):
            return True
    if end >= len(doc):
        return False
    after = doc[end]
    if after.like_num and not after.is_sent_start:
        return True
    if after.text in ("-", "–") and end + 1 < len(doc) and doc[end + 1].is_lower and doc[end + 1].is_alpha:
        return True  # "Pir-e-Golzar", "Dehyak-e Kalan": a Persian or Pashto name joined by -e-
    # a joiner and more name; a dash alone joins two names ("the Baalbek-Homs road")
    if (after.lower_ in _NAME_JOINERS and after.is_alpha) or _article(doc, end):
        after = doc[end + 1] if end + 1 < len(doc) else None
        if after is not None and after.text in ("-", "–") and _article(doc, end):
            after = doc[end + 2] if end + 2 < len(doc) else None  # "Madinat as-Saleh"
        if after is None or after.lower_ in _NAME_JOINERS:
            return False
        # "fighting in Kabul as Taliban forces advanced": English words before an actor's name
        if any(m.start == after.i for m in doc._.wf_actors):
            return False
    return (after.is_alpha and after.text[:1].isupper() and not after.is_sent_start
            and after.lower_ not in _KIND_WORDS)


def _article(doc: Doc, i: int) -> bool:
    """True when doc[i] is an Arabic article or particle inside a name ("Qasr bin Ghashir"). The
    forms that are also English words count only before the letter they are assimilated to and
    a name: "Madinat as Saleh", "Bir at-Tutah", "Tell an Nasr village", not "in Riyadh as Saudi
    officials met" (an adjective), "the LoC at Uri" (another letter), "in Sanaa as Saleh loyalists
    marched" (a name before a noun that is no kind of place)."""
    word = doc[i]
    if word.lower_ in _ARTICLES:
        return True
    letter = _ENGLISH_ARTICLES.get(word.text)
    j = i + 1
    if j < len(doc) and doc[j].text in ("-", "–"):
        j += 1
    if letter is None or j >= len(doc):
        return False
    name = doc[j]
    if not (name.lower_.startswith(letter) and name.text[:1].isupper() and name.tag_ in ("NNP", "NNPS")):
        return False
    # "in Sanaa as Saleh loyalists marched": a name before a common noun names whose, not where
    noun = doc[j + 1] if j + 1 < len(doc) else None
    return noun is None or not (noun.is_lower and noun.pos_ == "NOUN" and noun.lower_ not in _KIND_WORDS - _ACTOR_NOUNS)


# Arabic articles and particles inside names that are no English words: "Bir ad Dawr", "Qasr bin Ghashir".
_ARTICLES = {"ad", "ar", "ash", "az", "adh", "bin", "ibn", "bani", "abu"}
# Forms of the article that are English words too, and the letter each is assimilated to.
_ENGLISH_ARTICLES = {"as": "s", "at": "t", "an": "n"}
# Words after a name that say what kind of place it is, not a longer name.
_KIND_WORDS = (_PROVINCE_WORDS | _DISTRICT_WORDS | _SETTLEMENT_WORDS | _LOCALITY_AFTER | _STREET_WORDS | _AREA_NOUNS
               | _FACILITY_WORDS | _ACTOR_NOUNS | {"provinces", "districts", "governorates", "oblasts", "governor",
                                                   "governorship", "mayor", "council", "office", "municipal"})
