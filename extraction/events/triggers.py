"""Which trigger spans of a sentence report an event of their own (pure).

Triggers are the spans of data/triggers.jsonl (FAMILY:value). Some do not tell an event: words
inside "no fatalities nor injuries", what a protest is about ("against the killing of ..."),
the strike of a protest, losses in a disaster, phrases marked IGNORE. Also here: the weapon that
is the event when no action is told, and the report-level crowd-size tag.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .report_facts import per_doc, short_report

def _spans(doc: Doc, key: str, sent: Span) -> list[Span]:
    """Matches inside the sentence; overlaps resolved longest-first within each family, so
    "shot dead" is both a weapon (small arms) and a harm (killed)."""
    found = [s for s in doc.spans.get(key, []) if sent.start <= s.start and s.end <= sent.end]
    families: dict[str, list[Span]] = {}
    for span in found:
        families.setdefault(span.label_.split(":")[0], []).append(span)
    return sorted((s for group in families.values() for s in filter_spans(group)), key=lambda s: s.start)


ARMED_BODIES = {"forces", "force", "militia", "militias", "army", "police", "brigade", "battalion", "regiment",
                 "gang", "cartel", "vigilante", "guard", "guards", "troops"}


# Families that, after a cause word, say why people protest, not what happened at the protest.
_CAUSE_FAMILIES = ("HARM:", "ATTACK:", "WEAPON:", "RIOT:", "CLASH:", "LOOT:", "INTERVENE:", "DISRUPT:")
_CAUSE_WORDS = {"against", "over", "condemning", "denouncing", "demanding", "after", "following", "about", "for",
                "because", "since", "demand", "commemorate", "remembrance", "memory", "mourn", "solidarity",
                "investigation", "justice", "complaining", "complained", "denounced", "condemned", "anniversary",
                "marking", "commemorating", "calling"}
_DISASTER_DROPS = ("HARM:", "ATTACK:", "CLASH:", "WEAPON:ied", "TERRITORY:", "MOVE:")


def names_weapon(trigger: Span) -> bool:
    """A trigger that names a weapon of war, not an explosion that may be an accident."""
    if trigger.label_.startswith("WEAPON:") and trigger.label_ != "WEAPON:ied":
        return True
    return trigger.label_ == "WEAPON:ied" and any(w in trigger.text.lower() for w in ("bomb", "ied", "mine", "device"))


def _disaster(trigger: Span) -> bool:
    """A flood, a quake, a crash ... but not a unit named after one ("the Storm Brigade")."""
    if not trigger.label_.startswith("DISASTER:"):
        return False
    after = trigger.doc[trigger.end].lower_ if trigger.end < len(trigger.doc) else ""
    return after not in ARMED_BODIES | {"corps", "division", "unit", "group"}


@per_doc("disaster_report")
def _disaster_report(doc: Doc) -> bool:
    """A short report that opens with a disaster and names no weapon of war: its losses, in
    whichever sentence, are the disaster's ("Explosions tore through an industrial area ...
    Dozens were killed.")."""
    triggers = doc.spans.get("wf_triggers", ())
    if not short_report(doc) or not any(t.label_.startswith("DISASTER:") for t in triggers):
        return False
    first = next(iter(doc.sents), None)
    return first is not None and any(_disaster(t) for t in triggers if t.start < first.end) \
        and not any(names_weapon(t) for t in triggers)


@per_doc("off_duty")
def off_duty_report(doc: Doc) -> bool:
    """A short report about security forces hit while off duty (ACLED: hit as civilians)."""
    return short_report(doc) and any(
        t.lower_ in ("off-duty", "off") and (t.lower_ == "off-duty" or t.nbor(1).lower_ in ("-", "duty"))
        for t in doc if t.i + 1 < len(doc))


def effective_triggers(doc: Doc, sent: Span) -> list[Span]:
    """The sentence's triggers, less those that do not report an event of their own:
    words inside "no fatalities nor injuries", and harms that are what a protest is about
    ("protest against the killing of ...")."""
    triggers = _spans(doc, "wf_triggers", sent)
    # words a longer phrase shows to be no event ("expelled two diplomats" is no expulsion from ground)
    ignored = [t for t in triggers if t.label_.startswith("IGNORE:")]
    triggers = [t for t in triggers if not any(i.start <= t.start and t.end <= i.end for i in ignored)]
    nones = [t for t in triggers if t.label_.startswith("NONE:") or t.label_ == "ATTACK:unclear"]
    # "killed or wounded" says neither: no loss is counted (ACLED codes 0)
    kept = [t for t in triggers if t in nones or not any(n.start <= t.start and t.end <= n.end for n in nones)]
    if (any(_disaster(t) for t in kept) or _disaster_report(doc)) and not any(names_weapon(t) for t in kept):
        # "an earthquake killed eight", "a tank at the plant exploded": losses, but no one's attack
        kept = [t for t in kept if not t.label_.startswith(_DISASTER_DROPS)]
    protests = [t for t in kept if t.label_.startswith("PROTEST:")]
    # "went on strike", "hunger strike": the strike is the protest's, not an attack
    kept = [t for t in kept if not (t.label_.startswith("ATTACK:")
                                    and any(p.start <= t.start and t.end <= p.end for p in protests))]
    if protests:
        # "relatives of a baby who died held a protest": a death in a relative clause is background
        kept = [t for t in kept if not (t.label_.startswith("HARM:") and t.root.dep_ == "relcl")]
        first = protests[0].start
        cause = next((t.i for t in doc[first:sent.end] if t.lower_ in _CAUSE_WORDS), None)
        if cause is not None:
            kept = [t for t in kept if t.start < cause or not t.label_.startswith(_CAUSE_FAMILIES) or _own_act(t)]
    return kept


def _own_act(trigger: Span) -> bool:
    """A verb the protesters did after the cause was told: "demonstrating against the results,
    burned tyres and barricaded the roads" (a main or coordinated verb, not a clause of the cause)."""
    root = trigger.root
    if root.pos_ != "VERB" or root.tag_ not in ("VBD", "VBZ", "VBP"):
        return False
    while root.dep_ == "conj":
        root = root.head
    return root.dep_ == "ROOT"


def weapon_act(triggers: list[Span]) -> Span | None:
    """A weapon that is the event itself when no other action is told: chlorine dropped on a
    town, suicide bombers who blew themselves up, an IED that detonated ("exploded", a verb)."""
    for t in triggers:
        value = t.label_.removeprefix("WEAPON:")
        if value in ("chemical", "suicide") or (value in ("ied", "vbied") and t.root.pos_ == "VERB"):
            return t
    return None


def crowd_sized(doc: Doc) -> bool:
    """True when the report carries a crowd-size tag ("[size=no report]", "[size=around 50]"),
    which ACLED coders add to the notes of demonstrations: protests and riots."""
    return any(s.label_ == "CROWD:size" for s in doc.spans.get("wf_triggers", ()))
