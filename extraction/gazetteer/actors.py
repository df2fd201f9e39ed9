"""The actor lexicon: armed groups, forces and institutions with aliases (data/actors.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .places import fold


@dataclass(frozen=True, slots=True)
class ActorEntry:
    name: str
    kind: str
    anaphora: bool = False  # matched through "the organization" and similar: resolved later


@dataclass(frozen=True)
class ActorLexicon:
    """Folded alias -> entry; `exact` aliases must match case as written."""

    folded: dict[str, ActorEntry]
    exact: dict[str, ActorEntry]
    anaphora: dict[str, tuple[ActorEntry, ...]]
    max_words: int

    def lookup(self, text: str) -> ActorEntry | None:
        return self.exact.get(text) or self.folded.get(fold(text))


@lru_cache(maxsize=4)
def load_actors(extra: tuple[str, ...] = ()) -> ActorLexicon:
    """Read the packaged actor file and any extra files a setting names."""
    folded: dict[str, ActorEntry] = {}
    exact: dict[str, ActorEntry] = {}
    anaphora: dict[str, list[ActorEntry]] = {}
    paths = [Path(str(resources.files("extraction") / "data" / "actors.yaml")), *map(Path, extra)]
    for path in paths:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            entry = ActorEntry(name=item["name"], kind=item.get("kind", "other"))
            for alias in item.get("aliases", []):
                folded[fold(alias)] = entry
            for alias in item.get("exact", []):
                exact[alias] = entry
            for phrase in item.get("anaphora", []):
                anaphora.setdefault(fold(phrase), []).append(entry)
    words = max((key.count(" ") + 1 for key in [*folded, *anaphora]), default=1)
    return ActorLexicon(folded, exact, {k: tuple(v) for k, v in anaphora.items()}, words)
