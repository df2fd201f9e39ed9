"""The classifier beside the rules: what `events_from_doc(..., classify=...)` does with it.

- Each event the rules found keeps everything they read (actors, victims, place, numbers); its
  PLOVER type/modes and ACLED type/sub-event type come from the classifier when `classify`
  returns a frame (it decides with its thresholds, see `model.TextClassifier.decide`).
- The text an event is classified on is its segment of the report: from its evidence sentence
  (the report's start for the first event) to the next event's evidence (the report's end for
  the last one). A report with one event is classified whole: on ACLED notes the evidence
  sentence alone scores far lower (sub-event accuracy 0.80 vs 0.85 with the bag of words), as
  the later sentences often tell the type.
- A short report (at most CONTEXT_CHARS, like an ACLED note or a wire snippet) that the rules
  split into several events usually tells one incident: there the whole report is passed as
  context and the classifier averages both (see model.py). A long article is not: classified
  whole, a multi-event news report looks like no ACLED note at all (e.g. "Other").
- A report where the rules found no event gets one from the classifier when it is confident:
  evidence = the first sentence; place, actor and recipient = the report's first ones.

Pure functions over the processed Doc, like `extraction.events.build` whose helpers they reuse.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc

from extraction.events.build import (
    _all_actors,
    _confidence,
    _family_values,
    _places,
    _spans,
    sentence_event,
)
from extraction.events.frames import Frame
from extraction.events.focus import focus_country
from extraction.events.roles import resolve_anaphora
from extraction.gazetteer.places import Gazetteer
from extraction.report import Report
from rules.event import Event

Classify = Callable[[str, "Frame | None", "str | None"], "Frame | None"]
CLASSIFIER_ONLY_PENALTY = 0.1  # an event only the classifier saw is less certain than the rules' ones
CONTEXT_CHARS = 1000  # ACLED notes average 240 characters, CASE-2021 snippets a few hundred


def frame_of(event: Event) -> Frame:
    return Frame(event.event_type, tuple(event.event_mode), event.acled_event_type or "",
                 event.acled_sub_event_type or "")


def with_frame(event: Event, frame: Frame) -> Event:
    return event.model_copy(update={"event_type": frame.event_type, "event_mode": frame.modes,
                                    "acled_event_type": frame.acled_event_type,
                                    "acled_sub_event_type": frame.acled_sub_event_type})


def segments(text: str, events: list[Event]) -> list[str]:
    """The text each event is classified on (see the module's docstring)."""
    bounds = sorted({e.evidence.start for e in events})
    out = []
    for event in events:
        i = bounds.index(event.evidence.start)
        start = 0 if i == 0 else event.evidence.start
        end = bounds[i + 1] if i + 1 < len(bounds) else len(text)
        out.append(text[start:end].strip())
    return out


def classifier_event(doc: Doc, report: Report, gaz: Gazetteer, frame: Frame) -> Event | None:
    """An event the rules missed and the classifier saw (None for a text without sentences)."""
    sents = [s for s in doc.sents if s.text.strip()]
    if not sents:
        return None
    first = sents[0]
    country = focus_country(doc)
    resolved = resolve_anaphora(doc)
    place = next((places[0][1] for s in sents if (places := _places(doc, s, gaz, country))), None)
    named = [actor for s in sents for actor, _ in _all_actors(doc, s, resolved)]
    actors = named[:1]
    recipients = [a for a in named if actors and a.name != actors[0].name][:1]
    values = _family_values(_spans(doc, "wf_triggers", first))
    event = sentence_event(report, first, frame, values, actors=actors, recipients=recipients, location=place)
    confidence = round(max(0.05, _confidence(event) - CLASSIFIER_ONLY_PENALTY), 2)
    return event.model_copy(update={"confidence": confidence})


def classified(doc: Doc, report: Report, gaz: Gazetteer, events: list[Event], classify: Classify) -> list[Event]:
    """The rules' events with the classifier's frame where it overrides theirs; when the rules
    found no event, the classifier's own event if it is confident the report tells one."""
    if events:
        context = doc.text if len(events) > 1 and len(doc.text) <= CONTEXT_CHARS else None
        return [event if (frame := classify(text, frame_of(event), context)) is None else with_frame(event, frame)
                for event, text in zip(events, segments(doc.text, events))]
    frame = classify(doc.text, None, None)
    event = classifier_event(doc, report, gaz, frame) if frame is not None else None
    return [event] if event is not None else []
