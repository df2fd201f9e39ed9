"""What a rule's `when:` requires of an event's values, read from the condition as written.

`requirements(when, ...)` returns `{path: values}` such that the condition can only hold for an
event with at least one of `values` at `path` (`get_value(event, path)`, a list field or a path
through a list counting as its values). Paths are dotted event paths (`event_type`,
`victims.rank_class`, `actors.name`, `location.admin1_code`); `location@within` stands for
the codes a place is `within` (its province, ISO3 and ISO2 country).

Only positive equality and membership on text fields are requirements: a plain value or list,
`eq`, `in`, `alias`, `within`, and the same inside `any`/`all` over victims, actors and
recipients and on fields of location / destination. Everything under `not`, the negative and
ordering operators, patterns and `exists` require nothing. `all` (and a block's keys) require
everything its parts require; `any: [...]` requires a path only when every branch does (the
union of their values). A macro requires what its block requires.

The result only has to be *sound* (a condition that holds always meets it): the compiled
predicate stays the judge, the index only skips rules that cannot fire.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..conditions import OPERATORS, ROOT, Field, resolve_field

WITHIN = "@within"
Requirements = dict[str, frozenset]


def requirements(when: Any, lists: Mapping[str, list], macros: Mapping[str, Any],
                 aliases: Callable[[str], set[str]]) -> Requirements:
    """What `when` (a rule's top-level condition, already checked by the compiler) requires."""
    return _Reader(lists, macros, aliases).block(when, ROOT, "")


def exact(written: Any, lists: Mapping[str, list], aliases: Callable[[str], set[str]]) -> tuple[str, frozenset] | None:
    """(path, values) when the top-level condition `written` (a `{key: value}` mapping or a
    macro name) holds exactly when the event has one of `values` at `path`, e.g.
    `location.name: [A, B]`, `event_type: {in: $types}`, `location: {within: SY-HL}`,
    `actors: {any: {name: X}}`. The matcher then tests the values instead of the predicate."""
    if not isinstance(written, dict) or len(written) != 1:
        return None
    ((key, value),) = written.items()
    return _Reader(lists, {}, aliases).exact(str(key), value, ROOT, "")


def _both(left: Requirements, right: Requirements) -> Requirements:
    """Both hold: every requirement of each (for a path both constrain, the smaller set: sound
    whichever is kept, and list fields make an intersection unsound)."""
    out = dict(left)
    for path, values in right.items():
        if path not in out or len(values) < len(out[path]):
            out[path] = values
    return out


def _either(branches: list[Requirements]) -> Requirements:
    """One of the branches holds: the paths every branch constrains, with their values joined."""
    if not branches:
        return {}
    common = set(branches[0]).intersection(*branches[1:])
    return {path: frozenset().union(*(b[path] for b in branches)) for path in common}


class _Reader:
    def __init__(self, lists: Mapping[str, list], macros: Mapping[str, Any], aliases: Callable[[str], set[str]]):
        self.lists, self.macros, self.aliases = lists, macros, aliases

    def block(self, spec: Any, scope: Field, prefix: str) -> Requirements:
        if isinstance(spec, str) and scope is ROOT:
            macro = self.macros.get(spec)
            return self.block(macro, ROOT, prefix) if isinstance(macro, dict) else {}
        out: Requirements = {}
        for key, value in (spec.items() if isinstance(spec, dict) else ()):
            out = _both(out, self.entry(str(key), value, scope, prefix))
        return out

    def entry(self, key: str, value: Any, scope: Field, prefix: str) -> Requirements:
        if key in ("all", "any"):
            parts = [self.block(item, scope, prefix) for item in (value if isinstance(value, list) else [])]
            if key == "any":
                return _either(parts)
            out: Requirements = {}
            for part in parts:
                out = _both(out, part)
            return out
        if key == "not":
            return {}
        field = resolve_field(key, scope)
        return {} if field is None else self.value(value, field, prefix + key)

    def value(self, spec: Any, field: Field, path: str) -> Requirements:
        if isinstance(spec, dict):
            out: Requirements = {}
            for op, arg in spec.items():
                out = _both(out, self.operator(str(op), arg, field, path))
            return out
        if field.model is not None:
            return {}
        if isinstance(spec, list) or (isinstance(spec, str) and spec.startswith("$")):
            return self.operator("in", spec, field, path)
        return self.operator("eq", spec, field, path)

    def operator(self, op: str, arg: Any, field: Field, path: str) -> Requirements:
        if field.model is not None and not field.is_list and op not in OPERATORS and field.child(op):
            return self.entry(op, arg, Field(field.model), path + ".")
        if field.model is not None:
            if op in ("any", "all") and field.objects:
                return self.block(arg, Field(field.model), path + ".")  # `all` holds on a non-empty list only
            if op == "within" and field.is_place:
                return {path + WITHIN: frozenset(str(c) for c in (arg if isinstance(arg, list) else [arg]))}
            return {}
        if field.scalar is not str:
            return {}
        if op == "eq" and isinstance(arg, str):
            return {path: frozenset([arg])}
        if op == "in":
            values = self._listed(arg)
            return {path: frozenset(values)} if values is not None else {}
        if op == "alias":
            return {path: frozenset(self.aliases(str(arg)))}
        return {}

    def exact(self, key: str, value: Any, scope: Field, prefix: str) -> tuple[str, frozenset] | None:
        field = resolve_field(key, scope) if key not in ("all", "any", "not") else None
        if field is None:
            return None
        path = prefix + key
        if isinstance(value, dict):
            if len(value) != 1:
                return None
            ((op, arg),) = value.items()
            op = str(op)
            if field.model is not None:
                if op == "any" and field.objects and isinstance(arg, dict) and len(arg) == 1:
                    ((inner, inner_value),) = arg.items()
                    return self.exact(str(inner), inner_value, Field(field.model), path + ".")
                if field.model is not None and not field.is_list and op not in OPERATORS and field.child(op):
                    return self.exact(op, arg, Field(field.model), path + ".")
                if op != "within":
                    return None
            elif op not in ("eq", "in", "alias"):
                return None
        found = self.value(value, field, path)
        return next(iter(found.items())) if len(found) == 1 else None

    def _listed(self, arg: Any) -> list | None:
        if isinstance(arg, str) and arg.startswith("$"):
            arg = self.lists.get(arg[1:])
        if isinstance(arg, list) and all(isinstance(v, str) for v in arg):
            return arg
        return None
