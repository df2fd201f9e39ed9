"""Theatres of conflict and the cues that name them (data/theatres.yaml), found in a text (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml


@dataclass(frozen=True, slots=True)
class Theatre:
    """A conflict's country and provinces (ISO 3166-2)."""

    name: str
    country_code: str
    admin1_codes: frozenset[str]
    vote: int = 3  # weight of its cues in the vote for the report's country (events/focus.py)


@dataclass(frozen=True)
class TheatreIndex:
    """Every theatre with one pattern over its cues."""

    theatres: tuple[tuple[Theatre, re.Pattern], ...]

    def found(self, text: str) -> tuple[Theatre, ...]:
        """The theatres whose cues the text uses."""
        return tuple(theatre for theatre, pattern in self.theatres if pattern.search(text))


def _pattern(cues: list[str], not_before: list[str] = ()) -> re.Pattern:
    """Whole words, as written; not before a word that makes a cue part of another name ("DPR Korea")."""
    alternatives = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    other = rf"(?!\s+(?:{'|'.join(re.escape(w) for w in not_before)})\b)" if not_before else ""
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-]){other}")


@lru_cache(maxsize=4)
def load_theatres(path: str | None = None) -> TheatreIndex:
    """The packaged theatres (or those of `path`)."""
    source = Path(path) if path else Path(str(resources.files("extraction") / "data" / "theatres.yaml"))
    entries = []
    for item in yaml.safe_load(source.read_text(encoding="utf-8")) or []:
        theatre = Theatre(item["name"], item["country_code"], frozenset(item.get("admin1_codes", ())),
                          int(item.get("vote", 3)))
        entries.append((theatre, _pattern(item["cues"], item.get("not_before", ()))))
    return TheatreIndex(tuple(entries))
