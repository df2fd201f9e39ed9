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
    """The number in front of a person word, 1 for a singular, None for a bare plural.

    Words between the number and the noun are skipped when they modify it ("12 Taliban
    militants", "4 pro-government militia members"); a year is not a count ("in 2019, soldiers").
    """
    doc = span.doc
    i = span.start - 1
    steps = 0
    while i >= 0 and steps < 6:
        token = doc[i]
        value = as_number(token.text)
        if value is not None and token.lower_ not in ("a", "an"):
            if 1900 <= value <= 2100 and i != span.start - 1:
                break  # "On 3 June 2021, soldiers ..."
            if i >= 2 and doc[i - 1].text in ("-", "–", "to") and as_number(doc[i - 2].text) is not None:
                return as_number(doc[i - 2].text)  # "5-7 policemen": the lower bound, as ACLED codes it
            return value
        if token.lower_ not in _SKIP_BACK and not _modifier(token):
            break
        i -= 1
        steps += 1
    if i >= 0 and doc[i].lower_ in ("a", "an") and i == span.start - 1:
        return 1
    last = span[-1].lower_
    return None if last.endswith(_PLURAL_ENDINGS) and last not in ("boss",) else 1


def _modifier(token) -> bool:
    """A word that can stand between a number and the people it counts."""
    if token.text in ("-", "–"):
        return True
    return token.pos_ in ("ADJ", "PROPN") or token.dep_ in ("compound", "amod", "nmod")


_NUMBER = "PERSON:number"


def _bare_numbers(people: list[PersonMention], harms: list[tuple[Span, str]]) -> list[PersonMention]:
    """Numbers that stand for people as the subject of a harm: "2 were wounded", "and 5
    including a commander were injured"."""
    if not harms or not harms[0][0].doc.has_annotation("DEP"):
        return []
    doc = harms[0][0].doc
    taken = {i for m in people for i in range(m.span.start, m.span.end)}
    found = []
    for trigger, _ in harms:
        for token in trigger.root.children:
            # not "two of his companions": the people word there is counted itself
            if token.dep_ in ("nsubjpass", "nsubj") and token.like_num and as_number(token.text) is not None \
                    and not taken & {t.i for t in token.subtree}:
                found.append(PersonMention(doc[token.i:token.i + 1], _NUMBER, "unknown", False))
    return found


_SUBSET_WORDS = {"including", "among", "incl", "incl."}


def _within_earlier(span: Span) -> bool:
    """True for "including 2 commanders" / "among them a colonel": people already counted."""
    doc = span.doc
    return any(doc[i].lower_ in _SUBSET_WORDS for i in range(max(span.sent.start, span.start - 4), span.start))


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


def is_agent(span: Span) -> bool:
    """The subject of an active verb (other than dying), or the agent of a passive ("killed by
    unknown gunmen"), acted; it was not hit."""
    root = span.root
    if not root.doc.has_annotation("DEP"):
        return False
    while root.dep_ == "compound" and root.head.i >= span.end:
        root = root.head  # "Arbaki fighters shot ...": the people word names the subject
        span = root.doc[span.start:root.i + 1]
    if root.dep_ == "pobj" and root.head.lower_ == "by" and root.head.dep_ == "agent":
        return True
    i = span.start - 1  # "a drive-by shooting by two armed men": "by" before the counted words
    while i >= span.sent.start and (span.doc[i].like_num or span.doc[i].pos_ in ("ADJ", "DET", "NUM")):
        i -= 1
    if i >= span.sent.start and span.doc[i].lower_ == "by":
        return True
    return root.dep_ == "nsubj" and root.head.pos_ == "VERB" and root.head.lower_ not in _UNDERGOERS


def _text_with_modifiers(span: Span) -> tuple[str, bool]:
    doc = span.doc
    start = span.start
    while start > span.sent.start and doc[start - 1].lower_ in ("retired", "former", "senior", "a", "an", "the", "high-ranking", "ex",
                                                                "military", "army", "police"):
        start -= 1  # "a former military commander"
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
) -> tuple[list[Victim], list[Victim]]:
    """Victims in one sentence, with generic mentions folded into specific ones; and those of
    them to count in totals (not "including 2 commanders" after "12 militants")."""
    victims: list[tuple[Victim, bool]] = []
    subsets: set[int] = set()
    people = [*people, *_bare_numbers(people, harms)]
    seen_ranks: set[str] = set()
    ordered = sorted(people, key=lambda m: m.span.start)
    for index, mention in enumerate(ordered):
        span = mention.span
        doc: Doc = span.doc
        # An appositive describes the person before it ("a colonel, the field commander of ...").
        if doc.has_annotation("DEP") and span.root.dep_ == "appos":
            continue
        if is_agent(span):
            continue  # "gunmen shot dead two civilians": the gunmen did it
        outcome = _outcome(span, harms)
        if outcome is None:
            continue
        rank = mention.label.split(":", 1)[1] if mention.label.startswith("RANK:") else None
        count = as_number(span.text) if mention.label == _NUMBER else _count(span)
        if rank and count == 1 and rank.lower() in seen_ranks:
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
                    count=count,
                    affiliation=_affiliation(span, stop, actor_spans),
                ),
                mention.generic,
            )
        )
        if _within_earlier(span) and any(v.outcome == outcome for v, _ in victims):
            subsets.add(id(victims[-1][0]))
        if rank:
            seen_ranks.add(rank.lower())
    specific = {(v.rank_class, v.outcome) for v, generic in victims if not generic and v.rank}
    kept = [v for v, generic in victims if not (generic and (v.rank_class, v.outcome) in specific)]
    return kept, [v for v in kept if id(v) not in subsets]


def totals(victims: list[Victim], outcome: str) -> int | None:
    """Sum of the known counts for one outcome (a lower bound when some are unknown: "2 soldiers
    and several civilians" -> 2); None when nobody had it or no count is known."""
    hit = [v.count for v in victims if v.outcome == outcome and v.count is not None]
    return sum(hit) if hit else None
