"""`watchfloor rules check`: every error at once, `file:line:col CODE message`, exit 1 on error."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from .loader import DEFAULT_RECEIVERS, RuleSet, load_rules


def check(paths: list[Path], fmt: str = "text", receivers=DEFAULT_RECEIVERS,
          aliases: Callable[[str], set[str]] | None = None, out=None) -> int:
    """Print the diagnostics of the rules under `paths`; the exit code (0 ok, 1 errors)."""
    out = out if out is not None else sys.stdout  # looked up per call: tests and callers swap it
    kwargs = {"aliases": aliases} if aliases else {}
    ruleset: RuleSet = load_rules(paths or None, receivers=receivers, **kwargs)
    if fmt == "json":
        json.dump({
            "ok": not ruleset.errors,
            "rules": len(ruleset.rules),
            "version": ruleset.version,
            "diagnostics": [d.as_dict() for d in ruleset.diagnostics],
        }, out, indent=2)
        out.write("\n")
    else:
        for diagnostic in ruleset.diagnostics:
            prefix = "" if diagnostic.severity == "error" else "warning: "
            print(f"{prefix}{diagnostic}", file=out)
        errors = len(ruleset.errors)
        summary = f"{len(ruleset.rules)} rule(s) loaded, {errors} error(s), {len(ruleset.diagnostics) - errors} warning(s)"
        print(summary, file=sys.stderr if errors else out)
    return 1 if ruleset.errors else 0
