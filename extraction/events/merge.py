"""Sentences that tell one incident: follow-ups folded into the event before them (pure)."""

from __future__ import annotations

from dataclasses import replace

from rules.event import Event, Evidence

from .draft import Draft
from .frames import choose_frame


def no_losses(draft: Draft) -> Draft:
    """"No fatalities nor injuries were reported." said of the event before it."""
    event = draft.event
    update = {"fatalities": 0 if event.fatalities is None else event.fatalities,
              "injured": 0 if event.injured is None else event.injured}
    return replace(draft, event=event.model_copy(update=update))


_FOLLOW_UPS = ("Arrests", "Looting/property destruction", "Disrupted weapons use")
_CROWDS = ("Protests", "Riots")
_INTERVENTIONS = {"HARM", "ATTACK"}
_FORCES = {"state", "foreign_state"}


def with_tally(draft: Draft, dead: int | None) -> Draft:
    """"3 fatalities." after an incident: the coder's total for it (None: counted elsewhere)."""
    return replace(draft, event=draft.event.model_copy(update={"fatalities": dead}))


def _same_place(a: Event, b: Event) -> bool:
    """True unless both sentences say where and the provinces differ."""
    if a.location is None or b.location is None:
        return True
    return a.location.admin1_code == b.location.admin1_code


def _intervenes(draft: Draft) -> bool:
    """Police or soldiers acting, or words of crowd control: an intervention, not a cause
    ("He was arrested last week" after a protest against that arrest is not one)."""
    if "INTERVENE" in draft.values or {"RIOT", "CLASH"} & set(draft.values):
        return True
    if not _INTERVENTIONS & set(draft.values):
        return False
    # "26 arrested", "one protester was injured": people counted as hit at the protest
    hit = any(v.outcome in ("arrested", "injured") for v in draft.event.victims)
    return hit or any(x.kind in _FORCES for x in draft.event.actors)


def _kind(previous: Draft, current: Draft) -> str | None:
    """How `current` continues `previous`: "weapon" (adds a weapon to an attack), "exchange" (the
    other side fired back or the fire went both ways: a clash, its losses added), "movement"
    (the same movement told again), "follow-up" (arrests made or property damaged in the
    incident just told), "crowd" (what happened at the protest just told), or None."""
    a, b = previous.event, current.event
    if b.negated:
        return None
    told_again = b.location is None or (a.location is not None and a.location.name == b.location.name
                                        and a.location.admin1_code == b.location.admin1_code)
    if a.event_type == "ASSAULT" and b.event_type == "ASSAULT" and not b.victims and told_again \
            and b.acled_sub_event_type not in _FOLLOW_UPS:
        return "weapon"
    if a.event_type == "ASSAULT" and "CLASH" in current.values and "CLASH" not in previous.values \
            and _same_place(a, b):
        # "X shelled Y. Y fired back, killing ...": the fire went both ways, one incident
        return "exchange"
    if a.event_type == b.event_type and a.event_type in ("RETREAT", "MOBILIZE"):
        same_actors = {x.name for x in a.actors} == {x.name for x in b.actors}
        same_place = (a.location and a.location.admin1_code) == (b.location and b.location.admin1_code)
        return "movement" if same_actors and same_place else None
    if not _same_place(a, b):
        return None
    if a.acled_event_type in _CROWDS and a.acled_sub_event_type != "Mob violence" \
            and (b.acled_event_type in _CROWDS or _intervenes(current)):
        return "crowd"
    if b.acled_sub_event_type in _FOLLOW_UPS and a.acled_sub_event_type != b.acled_sub_event_type:
        return "follow-up"
    return None


def merges_into(previous: Draft, current: Draft) -> bool:
    """True when the sentence of `current` tells more of the incident of `previous`."""
    return _kind(previous, current) is not None


def _sum(x: int | None, y: int | None) -> int | None:
    return x if y is None else y if x is None else x + y


def merge(previous: Draft, current: Draft) -> Draft:
    a, b = previous.event, current.event
    kind = _kind(previous, current)
    weapons = tuple(sorted(set(a.weapon) | set(b.weapon)))
    values = {k: previous.values.get(k, set()) | current.values.get(k, set()) for k in {*previous.values, *current.values}}
    frame = previous.frame
    military = previous.military or current.military
    if kind == "crowd":
        # "Police dispersed them with tear gas": the protest met an intervention
        frame = choose_frame("PROTEST", values, actor_is_state=False, military_victims=military,
                             assassination=False) or frame
    elif kind in ("weapon", "exchange") and not set(a.weapon) & {"ied", "vbied", "suicide", "airstrike", "drone"}:
        family = previous.trigger.label_.split(":")[0]
        state = any(x.kind in _FORCES for x in a.actors)  # "pro-Hadi forces took control ...": still theirs
        frame = choose_frame(family, values, actor_is_state=state, military_victims=military,
                             assassination="assassinate" in a.event_mode) or frame
    evidence = a.evidence
    if b.evidence.start - a.evidence.end <= 2:
        doc_text = previous.sent.doc.text
        evidence = Evidence(text=doc_text[a.evidence.start:b.evidence.end], start=a.evidence.start, end=b.evidence.end)
    update = {
        "weapon": weapons,
        "event_mode": frame.modes,
        "event_type": frame.event_type,
        "acled_event_type": frame.acled_event_type,
        "acled_sub_event_type": frame.acled_sub_event_type,
        "destination": a.destination or b.destination,
        "actors": a.actors or b.actors,
        "evidence": evidence,
    }
    if kind in ("crowd", "follow-up", "exchange"):
        update.update(victims=a.victims + b.victims, recipients=a.recipients or b.recipients,
                      fatalities=_sum(a.fatalities, b.fatalities), injured=_sum(a.injured, b.injured))
    event = a.model_copy(update=update)
    return replace(previous, frame=frame, values=values, event=event, military=military)
