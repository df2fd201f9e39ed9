"""`watchfloor_lexicon`: marks places and actors from the gazetteer and the actor lexicon.

It runs in front of (and instead of) the statistical NER for these two kinds, because stock
`en_core_web_sm` calls Aleppo NORP and Maskanah PERSON. Matches are greedy longest-first over
token windows, compared by folded text so hyphens and accents do not matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer.actors import ActorEntry, ActorLexicon, load_actors
from ..gazetteer.places import Gazetteer, PlaceEntry, fold, load_gazetteer


@dataclass(frozen=True, slots=True)
class PlaceMention:
    start: int  # token offsets, end exclusive
    end: int
    candidates: tuple[PlaceEntry, ...]


@dataclass(frozen=True, slots=True)
class ActorMention:
    start: int
    end: int
    entries: tuple[ActorEntry, ...]  # one entry, or several candidates for an anaphor
    anaphor: bool = False


for _name in ("wf_places", "wf_actors"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=())


def _proper(token) -> bool:
    return token.text[:1].isupper() or token.text[:1] in "-–"


class LexiconMarker:
    """The component: fills doc._.wf_places and doc._.wf_actors.

    Every alias is indexed by its folded words; a set of all word prefixes lets the scan stop
    as soon as no alias can continue, so the cost is about one dictionary probe per token.
    """

    def __init__(self, gazetteer: Gazetteer, actors: ActorLexicon):
        self.gazetteer = gazetteer
        self.actors = actors
        self.prefixes: set[str] = set()
        for key in (*gazetteer.by_name, *actors.folded, *actors.anaphora, *map(fold, actors.exact)):
            words = key.split(" ")
            for n in range(1, len(words) + 1):
                self.prefixes.add(" ".join(words[:n]))

    def _lookup(self, doc: Doc, i: int, end: int, key: str):
        text = doc[i:end].text
        actor = self.actors.exact.get(text)
        if actor is not None:
            return ActorMention(i, end, (actor,))
        actor = self.actors.folded.get(key)
        if actor is not None and (key not in self._exact_only or text in self.actors.exact):
            return ActorMention(i, end, (actor,))
        if key in self.actors.anaphora and " " in key:
            return ActorMention(i, end, self.actors.anaphora[key], anaphor=True)
        if _proper(doc[i]):
            places = self.gazetteer.by_name.get(key)
            if places:
                return PlaceMention(i, end, tuple(places))
        return None

    @property
    def _exact_only(self) -> frozenset:
        # Aliases listed only as case-sensitive ("IS") must not match "is".
        cached = getattr(self, "_exact_cache", None)
        if cached is None:
            cached = frozenset(fold(a) for a in self.actors.exact) - set(self.actors.folded)
            self._exact_cache = cached
        return cached

    def _match_at(self, doc: Doc, folded: list[str], i: int):
        if not folded[i]:
            return None
        best = None
        words: list[str] = []
        j = i
        while j < len(doc):
            if folded[j]:
                words.append(folded[j])
                key = " ".join(words)
                if key not in self.prefixes:
                    break
                found = self._lookup(doc, i, j + 1, key)
                if found is not None:
                    best = found
            elif not doc[j].is_space and doc[j].text not in "-–—'’":
                break  # punctuation other than joiners ends a name
            j += 1
        return best

    def __call__(self, doc: Doc) -> Doc:
        # Fold each token once; tokens that fold to nothing ("-", "'") join words.
        folded = [fold(token.text) for token in doc]
        places, actors = [], []
        i = 0
        while i < len(doc):
            found = self._match_at(doc, folded, i)
            if found is None:
                i += 1
                continue
            (actors if isinstance(found, ActorMention) else places).append(found)
            i = found.end
        doc._.wf_places = tuple(places)
        doc._.wf_actors = tuple(actors)
        return doc


@Language.factory(
    "watchfloor_lexicon",
    default_config={"min_population": 5000, "place_overlays": [], "actor_files": []},
)
def make_lexicon(nlp: Language, name: str, min_population: int, place_overlays: list, actor_files: list):
    return LexiconMarker(
        load_gazetteer(min_population, tuple(place_overlays)),
        load_actors(tuple(actor_files)),
    )


@Language.component("watchfloor_paragraphs")
def mark_paragraphs(doc: Doc) -> Doc:
    """A blank line always ends a sentence: headlines and paragraphs never run together."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and previous.text.count("\n") >= 1:
            token.is_sent_start = True
    return doc
