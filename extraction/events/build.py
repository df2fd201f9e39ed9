"""From one processed spaCy Doc to the report's events (pure: no I/O, no clock)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Doc, Span

from extraction.report import Report
from rules.event import Event, Evidence, Place, Source

from ..components.people import load_ranks
from ..gazetteer.places import Gazetteer
from .dates import resolve_date
from .draft import MILITARY, Draft
from .focus import focus_country
from .frames import ACTION_FAMILIES, VIOLENCE, Frame, choose_frame
from .location import context_codes, resolve, specificity
from .merge import merge, merges_into, no_losses, with_tally
from .numbers import as_number
from .roles import read_roles, resolve_anaphora
from .triggers import ARMED_BODIES, _spans, crowd_sized, effective_triggers, names_weapon, off_duty_report, weapon_act
from .victims import PersonMention, is_agent, read_victims, totals

_GENERIC_RANKS = {r["rank"] for r in load_ranks() if r.get("generic")}
_RANK_CLASS = {r["rank"]: r["class"] for r in load_ranks()}


def _family_values(triggers: list[Span]) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for span in triggers:
        family, value = span.label_.split(":", 1)
        values.setdefault(family, set()).add(value)
    return values


def _main_trigger(triggers: list[Span]) -> Span | None:
    """The action trigger nearest the root of the parse (first in family order without one)."""
    actions = [t for t in triggers if t.label_.split(":")[0] in ACTION_FAMILIES]
    if not actions:
        return None

    def depth(span: Span) -> int:
        return len(list(span.root.ancestors)) if span.doc.has_annotation("DEP") else 0

    def family_rank(span: Span) -> int:
        return ACTION_FAMILIES.index(span.label_.split(":")[0])

    return min(actions, key=lambda s: (depth(s), family_rank(s), s.start))


_ARMED_WORDS = {"gang", "gangs", "cartel", "militia", "security", "army", "military", "police", "rebel", "armed"}


def _of_armed(doc: Doc, span: Span, sent: Span) -> bool:
    """"a member of the Hadhrami Elite forces", "members of a vigilante group": of an armed body."""
    if span.end >= sent.end or doc[span.end].lower_ not in ("of", "from"):
        return False
    return any(t.lower_ in ARMED_BODIES for t in doc[span.end + 1:min(span.end + 7, sent.end)])


def _people(doc: Doc, sent: Span, resolved=None) -> list[PersonMention]:
    out = []
    armed_ends = {e for (_, e), (_, kind) in (resolved or {}).items() if kind in _ARMED_KINDS}
    for span in _spans(doc, "wf_people", sent):
        kind, value = span.label_.split(":", 1)
        if kind == "RANK":
            out.append(PersonMention(span, span.label_, _RANK_CLASS[value], value in _GENERIC_RANKS))
        elif span.text.lower() in ("member", "members", "agent", "agents") and (
                (span.start > sent.start and (span.start in armed_ends or doc[span.start - 1].lower_ in _ARMED_WORDS))
                or _of_armed(doc, span, sent)):
            out.append(PersonMention(span, "PERSON:enlisted", "enlisted", False))  # "2 NDS members", "gang members"
        else:
            out.append(PersonMention(span, span.label_, value, False))
    return out


def _places(doc: Doc, sent: Span, gaz: Gazetteer, country: str | None):
    mentions = [m for m in doc._.wf_places if sent.start <= m.start < sent.end]
    found = [(m, resolve(doc, m, gaz, country, ctx)) for m, ctx in zip(mentions, context_codes(mentions))]
    return [(m, p) for m, p in found if p is not None]  # None: no reading worth taking (location.py)


def _location(places, trigger: Span, frame: Frame, doc: Doc) -> tuple[Place | None, Place | None]:
    if not places:
        return None, None
    if frame.event_type in ("RETREAT", "MOBILIZE"):
        origin_at = next((t.i for t in doc[trigger.end:places[-1][0].end] if t.lower_ == "from"), None)
        origin = next(((m, p) for m, p in places if origin_at is not None and m.start > origin_at), None)
        origin = origin or next(((m, p) for m, p in places if m.start >= trigger.end), places[0])
        to_at = next((t.i for t in doc[origin[0].end:places[-1][0].end] if t.lower_ in ("to", "towards", "toward", "into")), None)
        dest = next((p for m, p in places if to_at is not None and m.start > to_at), None)
        return origin[1], dest
    after = [p for m, p in places if m.start >= trigger.end]
    if after:
        return after[0], None
    before = [p for m, p in places if m.end <= trigger.start]
    return (min(before, key=specificity) if before else places[0][1]), None


def _evidence(sent: Span) -> Evidence:
    """The sentence without the blank lines spaCy keeps at its edges."""
    text = sent.text
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    start = sent.start_char + lead
    return Evidence(text=body, start=start, end=start + len(body))


def _confidence(event: Event) -> float:
    score = 0.45
    score += 0.15 if event.location and event.location.admin1_code else 0.0
    score += 0.1 if event.actors or event.recipients else 0.0
    score += 0.1 if event.victims or event.fatalities is not None else 0.0
    score += 0.1 if event.weapon or event.event_mode else 0.0
    score -= 0.25 if event.hedged else 0.0
    score -= 0.3 if event.negated else 0.0
    return round(max(0.05, min(0.95, score)), 2)


def _event_id(report_id: str, start: int, event_type: str) -> str:
    return "ev-" + hashlib.sha256(f"{report_id}\x1f{start}\x1f{event_type}".encode()).hexdigest()[:20]


_NO_DEATHS = ("Peaceful protest", "Protest with intervention")  # ACLED: with deaths it is another type
_CROWD_ACTORS = {"Mob", "Rioters"}  # data/actors.yaml: crowds whose violence is mob violence
_ARMED_KINDS = {"state", "rebel", "militia", "jihadist", "foreign_state"}
_ARMED_TARGETS = {"position", "positions", "checkpoint", "checkpoints", "check", "post", "posts", "base", "bases",
                  "convoy", "convoys", "patrol", "patrols", "units", "outpost", "outposts", "barracks", "troops"}


_ARMED_OBJECTS = {"forces", "troops", "soldiers", "army", "militia", "militias", "militiamen", "fighters", "rebels",
                  "militants", "insurgents", "police", "policemen", "gendarmes", "guards"}


def _armed_target(sent: Span, recipients) -> bool:
    """An armed side was hit: a recipient that is an armed group, a military target word
    anywhere ("positions", "checkpoint"), or armed people as the object of the attack
    ("attacked Govt forces", "rebels were attacked by ...")."""
    if any(a.kind in _ARMED_KINDS for a in recipients) or any(t.lower_ in _ARMED_TARGETS for t in sent):
        return True
    return any(t.lower_ in _ARMED_OBJECTS and (t.dep_ in ("dobj", "nsubjpass") or (
        t.dep_ == "pobj" and t.head.lower_ in ("on", "against", "targeting"))) for t in sent)


def sentence_event(report: Report, sent: Span, frame: Frame, values: dict[str, set[str]], **facts) -> Event:
    """The Event a sentence proves: ids, source, type, weapon, date and modality from the
    sentence and its triggers; who, whom, losses and places passed in as `facts`."""
    published = report.published_at.date() if report.published_at else None
    fields = dict(
        event_id=_event_id(report.id, sent.start_char, frame.event_type),
        report_id=report.id,
        source=Source(name=report.source.name, url=report.url or report.source.url, published_at=report.published_at),
        event_type=frame.event_type,
        event_mode=frame.modes,
        acled_event_type=frame.acled_event_type,
        acled_sub_event_type=frame.acled_sub_event_type,
        weapon=tuple(sorted(values.get("WEAPON", set()))),
        date=resolve_date(sent.text, published),
        negated="NEGATE" in values,
        hedged="HEDGE" in values,
        evidence=_evidence(sent),
        confidence=0.5,
    )
    fields.update({k: tuple(v) if isinstance(v, list) else v for k, v in facts.items()})
    return Event(**fields)


def _draft(doc: Doc, sent: Span, report: Report, gaz: Gazetteer, country, resolved, crowd: bool = False,
           gang: bool = False) -> Draft | None:
    """The event one sentence tells, or None. `crowd`: the report is tagged as a crowd's
    (`crowd_sized`) and no event was told before this sentence."""
    triggers = effective_triggers(doc, sent)
    trigger = _main_trigger(triggers) or next((t for t in triggers if t.label_.startswith("LABEL:")), None) \
        or weapon_act(triggers)
    if trigger is None:
        return None
    values = _family_values(triggers)
    family = trigger.label_.split(":")[0]
    if family == "ATTACK" and trigger.root.pos_ == "NOUN" and not ({"HARM", "WEAPON"} & set(values)):
        # "exposed to the attacks of ..." talks about attacks, it reports none; another action
        # of the sentence may still be an event ("observed a hunger strike and held a protest")
        triggers = [t for t in triggers if not t.label_.startswith("ATTACK:")]
        trigger = _main_trigger(triggers)
        if trigger is None:
            return None
        values = _family_values(triggers)
        family = trigger.label_.split(":")[0]
    ieds = [t for t in triggers if t.label_ == "WEAPON:ied"]
    if ieds and not any(names_weapon(t) for t in ieds) and values.get("WEAPON", set()) - {"ied", "arms", "small_arms"}:
        # "the rocket exploded", "a grenade explosion": the explosion is the named weapon's
        values = {**values, "WEAPON": values["WEAPON"] - {"ied"}}
    if crowd:
        values = {**values, "CROWD": {"size"}}  # the note is about a crowd: frames.choose_frame
    if gang:
        values = {**values, "GANG": {"gang"}}  # the note is about drug gangs: frames._violence_frame
    harms = [(t, t.label_.split(":")[1]) for t in triggers if t.label_.startswith("HARM:")]
    actor_spans = [(doc[s:e], name) for (s, e), (name, _) in resolved.items() if sent.start <= s < sent.end]
    victims, counted = read_victims(_people(doc, sent, resolved), harms, actor_spans) if family in VIOLENCE or harms else ([], [])
    assassination = any(t.text.lower().startswith("assassin") for t, _ in harms)
    pre_actors, pre_recipients = read_roles(sent, trigger, resolved, set())
    if any(a.name in _CROWD_ACTORS for a in pre_actors):
        values = {**values, "MOB": values.get("MOB", set()) | {"crowd"}}  # "villagers beat a thief"
    if any(a.kind in ("rebel", "jihadist", "militia") for a in pre_actors):
        values = {**values, "ACTOR": {"nonstate"}}  # "ISIS fighters recaptured the village"
    # soldiers hit, an armed target, or soldiers the sentence names as hit without saying how
    # ("1 soldier was killed or wounded by a sniper")
    # (a "leader" or a retired general hit is not a fight with armed forces)
    if any(v.outcome == "killed" and v.text.lower().rstrip("s") in ("protester", "protestor", "demonstrator")
           for v in victims):
        values = {**values, "VICTIM": {"protester"}}  # "four protesters died": frames.choose_frame
    kinds = dict(resolved.values())
    # ACLED: security forces hit while off duty are hit as civilians, not in a fight
    off_duty = off_duty_report(doc)
    military = not off_duty and (any(v.rank_class in MILITARY and v.status != "retired"
                                     and not (v.rank in _GENERIC_RANKS and v.rank_class == "senior_officer")
                                     for v in victims) or _armed_target(sent, pre_recipients) or any(
        v.rank_class == "unknown" and kinds.get(v.affiliation) in _ARMED_KINDS and v.outcome in ("killed", "injured")
        for v in victims) or (
        "unclear" in values.get("ATTACK", ()) and any(p.rank_class in MILITARY and not is_agent(p.span)
                                                     for p in _people(doc, sent))))
    frame = choose_frame(
        family,
        values,
        actor_is_state=any(a.kind in ("state", "foreign_state") for a in pre_actors),
        military_victims=military,
        assassination=assassination,
    )
    if frame is None:
        return None
    actors, recipients = read_roles(sent, trigger, resolved, {v.affiliation for v in victims if v.affiliation})
    if trigger.label_ == "TERRITORY:lost":
        # "with the advance by A, the presence of B came to an end": B lost ground, A took it.
        named = _all_actors(doc, sent, resolved)
        actors = [a for a, by in named if by]
        recipients = [a for a, by in named if not by and a.name not in {x.name for x in actors}]
    location, destination = _location(_places(doc, sent, gaz, country), trigger, frame, doc)
    none_reported = "NONE" in values
    fatalities = totals(counted, "killed")
    injured = totals(counted, "injured")
    if frame.acled_sub_event_type in _NO_DEATHS:
        fatalities = None  # deaths told of a peaceful protest are what it is about, not its losses
    if none_reported:
        fatalities = fatalities if fatalities is not None else 0
        injured = injured if injured is not None else 0
    event = sentence_event(report, sent, frame, values, actors=actors, recipients=recipients, victims=victims,
                           fatalities=fatalities, injured=injured, location=location, destination=destination)
    return Draft(sent, frame, trigger, values, event, military)


def _after_by(doc: Doc, start: int) -> bool:
    """True for "by the regime forces": the mention is the agent of a passive or nominal."""
    i = start - 1
    while i >= 0 and doc[i].lower_ in ("the", "its", "their", "a"):
        i -= 1
    return i >= 0 and doc[i].lower_ == "by"


def _all_actors(doc: Doc, sent: Span, resolved):
    from rules.event import Actor

    return [
        (Actor(text=doc[s:e].text, name=name, kind=kind), _after_by(doc, s))  # type: ignore[arg-type]
        for (s, e), (name, kind) in resolved.items()
        if sent.start <= s < sent.end
    ]


def _tally(doc: Doc, sent: Span) -> int | None:
    """N for a sentence that only tallies the dead ("2 fatalities."), as coders close notes."""
    triggers = _spans(doc, "wf_triggers", sent)
    tallies = [t for t in triggers if t.label_ == "TALLY:killed"]
    if len(tallies) != 1:
        return None
    span = tallies[0]
    others = [t for t in triggers if not (span.start <= t.start and t.end <= span.end)
              and t.label_.split(":")[0] in ACTION_FAMILIES]
    return None if others else as_number(span[0].text)


def _only_none(doc: Doc, sent: Span) -> bool:
    return any(t.label_.startswith("NONE:") for t in _spans(doc, "wf_triggers", sent))


def events_from_doc(doc: Doc, report: Report, gaz: Gazetteer,
                    classify: Callable[[str, Frame | None, str | None], Frame | None] | None = None) -> list[Event]:
    """All events in one report, merged where sentences describe the same incident.

    `classify` (optional): (an event's text, the rules' frame or None for a report without events,
    the whole report when the text is only part of it) -> the frame to use instead, or None to
    keep the rules' decision; see extraction/classifier.
    """
    country = focus_country(doc)
    resolved = resolve_anaphora(doc)
    title_end = len(report.title) if report.title and report.text.startswith(report.title) else 0
    drafts: list[Draft] = []
    crowd = crowd_sized(doc)
    gang = any(s.label_ == "GANG:gang" for s in doc.spans.get("wf_triggers", ()))
    last_place: Place | None = None
    for sent in doc.sents:
        tally = _tally(doc, sent)
        if tally is not None and drafts:
            if not doc[sent.end:].text.strip():
                # a closing "4 fatalities." is the coder's total for the whole report
                drafts = [with_tally(d, None) for d in drafts]
            drafts[-1] = with_tally(drafts[-1], tally)
            continue
        draft = _draft(doc, sent, report, gaz, country, resolved, crowd=crowd and not drafts,
                       gang=gang and not drafts)
        if draft is not None and tally is not None:
            draft = with_tally(draft, tally)
        places = _places(doc, sent, gaz, country)
        if draft is None:
            if drafts and _only_none(doc, sent):
                drafts[-1] = no_losses(drafts[-1])
            last_place = min((p for _, p in places), key=specificity, default=last_place)
            continue
        if drafts and merges_into(drafts[-1], draft):
            drafts[-1] = merge(drafts[-1], draft)
            continue
        if draft.event.location is None and last_place is not None:
            # "One soldier was killed." after a sentence that says where: the same place.
            draft = replace(draft, event=draft.event.model_copy(update={"location": last_place}))
        last_place = draft.event.location or last_place
        drafts.append(draft)
    body_types = {d.event.event_type for d in drafts if d.event.evidence.start >= title_end}
    events = []
    for draft in drafts:
        event = draft.event
        if event.evidence.start < title_end and event.event_type in body_types:
            continue  # the headline summarises an event the body tells in full
        events.append(event.model_copy(update={"confidence": _confidence(event)}))
    if classify is not None:  # a trained classifier beside the rules: extraction/classifier/apply.py
        from extraction.classifier.apply import classified

        events = classified(doc, report, gaz, events, classify)
    return events
