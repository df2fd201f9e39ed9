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
    """The component: fills doc._.wf_places and doc._.wf_actors."""

    def __init__(self, gazetteer: Gazetteer, actors: ActorLexicon):
        self.gazetteer = gazetteer
        self.actors = actors
        # Token windows are wider than word counts: "Ithriyah -Al-Raqqah" is several tokens.
        self.window = max(gazetteer.max_words, actors.max_words) * 2 + 1

    def _match_at(self, doc: Doc, i: int):
        limit = min(len(doc), i + self.window)
        for end in range(limit, i, -1):
            span = doc[i:end]
            if span[-1].is_punct or span[-1].is_space:
                continue
            text = span.text
            actor = self.actors.exact.get(text)
            if actor is not None:
                return ActorMention(i, end, (actor,))
            key = fold(text)
            actor = self.actors.folded.get(key)
            if actor is not None:
                return ActorMention(i, end, (actor,))
            if key in self.actors.anaphora and end - i > 1:
                return ActorMention(i, end, self.actors.anaphora[key], anaphor=True)
            if _proper(doc[i]):
                places = self.gazetteer.by_name.get(key)
                if places:
                    return PlaceMention(i, end, tuple(places))
        return None

    def __call__(self, doc: Doc) -> Doc:
        places, actors = [], []
        i = 0
        while i < len(doc):
            token = doc[i]
            found = None if (token.is_punct and token.text[:1] not in "-–") or token.is_space else self._match_at(doc, i)
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
