"""Who was hit: ranked and counted victims with their outcome and affiliation."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from rules.event import Victim

from .numbers import as_number

HARM_OUTCOMES = ("killed", "injured", "abducted", "arrested")
_SKIP_BACK = {"of", "his", "her", "their", "its", "the", "a", "an", "other", "more", "least", "at", "some", "about", "nearly", "around", "over"}
_PLURAL_ENDINGS = ("s", "men", "people", "personnel", "children", "troops")


@dataclass(frozen=True)
class PersonMention:
    span: Span
    label: str  # RANK:<rank> or PERSON:<class>
    rank_class: str
    generic: bool


def _count(span: Span) -> int | None:
    """The number in front of a person word, 1 for a singular, None for a bare plural."""
    doc = span.doc
    i = span.start - 1
    steps = 0
    while i >= 0 and steps < 5:
        token = doc[i]
        value = as_number(token.text)
        if value is not None and token.lower_ not in ("a", "an"):
            return value
        if token.lower_ not in _SKIP_BACK and not token.pos_ == "ADJ" and not token.is_punct:
            break
        i -= 1
        steps += 1
    if i >= 0 and doc[i].lower_ in ("a", "an") and i == span.start - 1:
        return 1
    last = span[-1].lower_
    return None if last.endswith(_PLURAL_ENDINGS) and last not in ("boss",) else 1


def _outcome(mention: Span, harms: list[tuple[Span, str]]) -> str | None:
    """The harm that governs a mention: along the parse if there is one, else the nearest."""
    head = mention.root
    if head.doc.has_annotation("DEP"):
        for ancestor in head.ancestors:
            for trigger, outcome in harms:
                if trigger.start <= ancestor.i < trigger.end:
                    return outcome
            if ancestor.dep_ in ("ccomp", "advcl", "relcl") and ancestor.pos_ == "VERB":
                break
    after = [(t.start, o) for t, o in harms if t.start >= mention.end]
    if after:
        return min(after)[1]
    before = [(t.start, o) for t, o in harms if t.end <= mention.start]
    return max(before)[1] if before else None


_UNDERGOERS = {"die", "died", "dies", "dying", "perished", "succumbed", "drowned"}


def _is_agent(span: Span) -> bool:
    """The subject of an active verb (other than dying) acted; it was not hit."""
    root = span.root
    if not root.doc.has_annotation("DEP"):
        return False
    return root.dep_ == "nsubj" and root.head.pos_ == "VERB" and root.head.lower_ not in _UNDERGOERS


def _text_with_modifiers(span: Span) -> tuple[str, bool]:
    doc = span.doc
    start = span.start
    while start > span.sent.start and doc[start - 1].lower_ in ("retired", "former", "senior", "a", "an", "the", "high-ranking", "ex"):
        start -= 1
    text = doc[start:span.end].text
    retired = any(doc[i].lower_ in ("retired", "former", "ex") for i in range(start, span.start))
    if text.lower().startswith(("a ", "an ", "the ")):
        text = text.split(" ", 1)[1]
    return text, retired


def _affiliation(span: Span, stop: int, actor_spans: list[tuple[Span, str]]) -> str | None:
    for actor, name in actor_spans:
        if span.end <= actor.start < min(stop, span.end + 9):
            between = span.doc[span.end:actor.start]
            if not any(t.pos_ in ("VERB", "AUX") for t in between):
                return name
    return None


def read_victims(
    people: list[PersonMention], harms: list[tuple[Span, str]], actor_spans: list[tuple[Span, str]]
) -> list[Victim]:
    """Victims in one sentence, with generic mentions folded into specific ones."""
    victims: list[tuple[Victim, bool]] = []
    seen_ranks: set[str] = set()
    ordered = sorted(people, key=lambda m: m.span.start)
    for index, mention in enumerate(ordered):
        span = mention.span
        doc: Doc = span.doc
        # An appositive describes the person before it ("a colonel, the field commander of ...").
        if doc.has_annotation("DEP") and span.root.dep_ == "appos":
            continue
        if _is_agent(span):
            continue  # "gunmen shot dead two civilians": the gunmen did it
        outcome = _outcome(span, harms)
        if outcome is None:
            continue
        rank = mention.label.split(":", 1)[1] if mention.label.startswith("RANK:") else None
        if rank and rank.lower() in seen_ranks:
            continue  # the same officer named again later in the sentence
        text, retired = _text_with_modifiers(span)
        later = [m for m in ordered[index + 1:] if not (doc.has_annotation("DEP") and m.span.root.dep_ == "appos")]
        stop = later[0].span.start if later else len(doc)
        victims.append(
            (
                Victim(
                    text=text,
                    rank=rank,
                    rank_class=mention.rank_class,  # type: ignore[arg-type]
                    status="retired" if retired else "active",
                    outcome=outcome,  # type: ignore[arg-type]
                    count=_count(span) if not rank else 1,
                    affiliation=_affiliation(span, stop, actor_spans),
                ),
                mention.generic,
            )
        )
        if rank:
            seen_ranks.add(rank.lower())
    specific = {(v.rank_class, v.outcome) for v, generic in victims if not generic and v.rank}
    return [v for v, generic in victims if not (generic and (v.rank_class, v.outcome) in specific)]


def totals(victims: list[Victim], outcome: str) -> int | None:
    """Sum of counts for one outcome; None when a count is unknown or nobody had it."""
    hit = [v for v in victims if v.outcome == outcome]
    if not hit or any(v.count is None for v in hit):
        return None
    return sum(v.count or 0 for v in hit)
