"""Who acted and who was acted upon, read from the dependency parse around the trigger."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span, Token

from rules.event import Actor

from ..components.lexicon import ActorMention

_CLAUSE = {"relcl", "advcl", "ccomp", "xcomp", "parataxis", "acl", "csubj"}


def resolve_anaphora(doc: Doc) -> dict[tuple[int, int], tuple[str, str]]:
    """(start, end) -> (name, kind) for every actor mention, anaphors bound to the group the
    report names most often among their candidates."""
    counts: Counter[str] = Counter(m.entries[0].name for m in doc._.wf_actors if not m.anaphor)
    resolved = {}
    for mention in doc._.wf_actors:
        entries = mention.entries
        if mention.anaphor:
            named = [e for e in entries if counts[e.name]]
            if not named:
                continue  # "the group" with no group named: not an actor
            entry = max(named, key=lambda e: counts[e.name])
        else:
            entry = entries[0]
        resolved[(mention.start, mention.end)] = (entry.name, entry.kind)
    return resolved


def _role(token: Token, trigger: Span) -> str | None:
    """actor / recipient / None for a token under the trigger, by the path between them."""
    path: list[Token] = [token]
    for ancestor in token.ancestors:
        if trigger.start <= ancestor.i < trigger.end:
            break
        if path[-1].dep_ in _CLAUSE:
            return None
        path.append(ancestor)
    else:
        return None
    top = path[-1]
    preps = {t.lower_ for t in path if t.dep_ == "prep"}
    if top.dep_ in ("agent",) or "by" in {t.lower_ for t in path if t.dep_ in ("agent", "prep")}:
        return "actor"
    if top.dep_ in ("nsubj",):
        return "actor"
    if top.dep_ in ("nsubjpass", "dobj", "pobj", "attr", "oprd") or preps & {"against", "on", "targeting"}:
        return "recipient"
    if top.dep_ == "prep" and top.lower_ in ("against", "on", "at"):
        return "recipient"
    if top.dep_ == "prep" and top.lower_ == "by":
        return "actor"
    return None


_NOT_SUBJECT = {"from", "against", "on", "of", "with", "between", "to", "at", "in", "by", "among", "targeting", "and"}


def _plain_subject(doc: Doc, start: int, trigger_start: int) -> bool:
    """True when the mention at `start` could be the clause's subject: no preposition right
    before it, and no clause boundary (a semicolon) between it and the trigger."""
    before = doc[start - 1].lower_ if start > doc[start].sent.start else ""
    return before not in _NOT_SUBJECT and not any(t.text == ";" for t in doc[start:trigger_start])


def read_roles(
    sent: Span, trigger: Span, resolved: dict[tuple[int, int], tuple[str, str]], victim_affiliations: set[str]
) -> tuple[list[Actor], list[Actor]]:
    """Actors and recipients of the event whose main trigger is `trigger`."""
    doc = sent.doc
    actors: dict[str, Actor] = {}
    recipients: dict[str, Actor] = {}
    unplaced: dict[str, Actor] = {}  # mentions before the trigger the parse gave no role
    parsed = doc.has_annotation("DEP")
    for mention in doc._.wf_actors:
        if not (sent.start <= mention.start < sent.end) or (mention.start, mention.end) not in resolved:
            continue
        name, kind = resolved[(mention.start, mention.end)]
        span = doc[mention.start:mention.end]
        item = Actor(text=span.text, name=name, kind=kind)  # type: ignore[arg-type]
        role = _role(span.root, trigger) if parsed else None
        if role is None and mention.start >= 1 and doc[mention.start - 1].lower_ == "by":
            role = "actor"
        if role is None and name in victim_affiliations:
            role = "recipient"
        if role is None and mention.start < trigger.start and _plain_subject(doc, mention.start, trigger.start) \
                and span.root.dep_ not in ("dobj", "pobj", "nsubjpass", "attr", "compound", "poss", "amod", "nmod"):
            unplaced.setdefault(name, item)
        if role == "actor":
            actors.setdefault(name, item)
        elif role == "recipient":
            recipients.setdefault(name, item)
    if not actors and unplaced:
        # A parenthesis ("X and Y (coded as Z) took control of ...") can hide the subject from
        # the parser: the first group named before the verb, after no preposition, acted.
        name, item = next(iter(unplaced.items()))
        if name not in recipients:
            actors[name] = item
    for name in list(actors):
        recipients.pop(name, None)
    return list(actors.values()), list(recipients.values())
