"""Live reload of rule files: a valid change is swapped in whole; an invalid one is logged
with the check's error lines and the last good rule set keeps running.

Every worker polls the same rule directories, so several workers converge on the same set
(the rule set's version is a hash of the files' contents, logged on every swap).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from rules.loader import RuleSet, default_pack

log = logging.getLogger(__name__)


def fingerprint(dirs: Iterable[Path]) -> tuple:
    """What changes when a rule file is added, removed or edited (cheap: no parsing)."""
    items = []
    for base in dirs:
        paths = [base] if base.is_file() else sorted(base.rglob("*")) if base.exists() else []
        for path in paths:
            if path.suffix in (".yaml", ".yml"):
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue
                items.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(items)


class RuleReloader:
    """Checks the rule directories and swaps the runtime's rule set when they change."""

    def __init__(self, dirs: list[Path], load: Callable[[], RuleSet], apply: Callable[[RuleSet], None],
                 current_version: str):
        self.dirs = dirs or [default_pack()]
        self.load = load
        self.apply = apply
        self.version = current_version
        log.info("rules: watching %s for changes", ", ".join(map(str, self.dirs)))
        self.seen: tuple | None = None  # first check compares contents with the running set
        self.rejected: str | None = None

    def check(self) -> bool:
        """Reload if the files changed; True when a new rule set was swapped in."""
        now = fingerprint(self.dirs)
        if now == self.seen:
            return False
        self.seen = now
        candidate = self.load()
        if candidate.errors:
            if candidate.version != self.rejected:
                self.rejected = candidate.version
                log.error("rules: change rejected (%d error(s)); keeping rule set %s",
                          len(candidate.errors), self.version)
                for diagnostic in candidate.errors:
                    log.error("rules: %s", diagnostic)
            return False
        if candidate.version == self.version:
            return False
        log.info("rules: swapped in rule set %s (%d rules), was %s", candidate.version, len(candidate.rules), self.version)
        self.version = candidate.version
        self.rejected = None
        self.apply(candidate)
        return True
