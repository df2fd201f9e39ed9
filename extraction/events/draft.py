"""An event being assembled from one sentence, before it is frozen into an Event."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span

from rules.event import Event

from .frames import Frame

# Rank classes of people under arms: hitting them makes a violent event a battle.
MILITARY = {"senior_officer", "officer", "nco", "enlisted"}


@dataclass
class Draft:
    """An event being assembled; frozen into an Event at the end."""

    sent: Span
    frame: Frame
    trigger: Span
    values: dict[str, set[str]]
    event: Event
    military: bool = False  # soldiers hit or an armed target (frames.choose_frame)
