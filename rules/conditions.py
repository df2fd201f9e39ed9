"""Rule conditions: checked against the event contract at load, compiled into predicates.

A `when:` mapping is an implicit `all`. Each key is either a combinator (`all`, `any`, `not`)
or an event field path (`fatalities`, `location.admin1_code`, `victims`). Each field takes an
operator mapping or a plain value (equality; for list fields: contains):

    fatalities: {gte: 10}
    event_type: {in: [ASSAULT, COERCE]}
    victims: {any: {rank_class: senior_officer, outcome: killed}}
    location: {within: SY-HL}            # a town matches its province and its country
    actors: {any: {name: {alias: isis}}} # any alias of the actor lexicon
    evidence.text: {matches: "(?i)assassinat"}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .event import Event, Place
from .located import Diagnostic, Located

Predicate = Callable[[Any], bool]
COMBINATORS = ("all", "any", "not")
OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "matches", "contains", "within", "any", "all", "alias", "exists")
MAX_PATTERN = 300


class Field:
    """What the rules know about one event field: its scalar type or its sub-fields."""

    def __init__(self, annotation: Any):
        self.is_list = get_origin(annotation) is tuple
        inner = get_args(annotation)[0] if self.is_list else annotation
        options = [a for a in get_args(inner) if a is not type(None)] or [inner]
        model = next((o for o in options if isinstance(o, type) and issubclass(o, BaseModel)), None)
        self.model = model
        self.is_place = model is Place
        self.scalar = None if model else options[0]

    def child(self, name: str) -> "Field | None":
        if not self.model or name not in self.model.model_fields:
            return None
        return Field(self.model.model_fields[name].annotation)

    def names(self) -> list[str]:
        return sorted(self.model.model_fields) if self.model else []


ROOT = Field(Event)


def resolve_field(path: str) -> Field | None:
    field: Field | None = ROOT
    for part in path.split("."):
        if field is None or field.is_list and field.model is None:
            return None
        field = field.child(part)
    return field


def get_value(obj: Any, path: str) -> Any:
    """The value at a dotted path; for lists of objects, the list of their values."""
    for part in path.split("."):
        if obj is None:
            return None
        if isinstance(obj, tuple):
            obj = tuple(getattr(item, part, None) for item in obj)
        else:
            obj = getattr(obj, part, None)
    return obj


class Compiler:
    """Turns located `when:` mappings into predicates, collecting every error on the way."""

    def __init__(self, doc: Located, lists: Mapping[str, list], macros: Mapping[str, Any], aliases: Callable[[str], set[str]]):
        self.doc = doc
        self.lists = lists
        self.macros = macros
        self.aliases = aliases
        self.errors: list[Diagnostic] = []
        self.used_lists: set[str] = set()
        self.used_macros: set[str] = set()

    def error(self, path: tuple, code: str, message: str) -> Predicate:
        self.errors.append(self.doc.diag(path, code, message))
        return lambda _event: False

    # -- combinators -------------------------------------------------------------------
    def block(self, spec: Any, path: tuple, scope: Field = ROOT) -> Predicate:
        if isinstance(spec, str) and scope is ROOT:
            return self.macro(spec, path)
        if not isinstance(spec, dict):
            return self.error(path, "R003", f"expected a mapping of conditions, got {type(spec).__name__}")
        parts = [self.entry(key, value, path + (key,), scope) for key, value in spec.items()]
        return lambda obj: all(p(obj) for p in parts)

    def macro(self, name: str, path: tuple) -> Predicate:
        if name not in self.macros:
            known = ", ".join(sorted(self.macros)) or "none defined"
            return self.error(path, "R005", f"unknown macro {name!r} (known: {known})")
        self.used_macros.add(name)
        return self.macros[name]

    def entry(self, key: str, value: Any, path: tuple, scope: Field) -> Predicate:
        if key in ("all", "any"):
            items = value if isinstance(value, list) else None
            if items is None:
                return self.error(path, "R003", f"{key!r} takes a list of condition blocks")
            preds = [self.block(item, path + (i,), scope) for i, item in enumerate(items)]
            return (lambda o: all(p(o) for p in preds)) if key == "all" else (lambda o: any(p(o) for p in preds))
        if key == "not":
            inner = self.block(value, path, scope)
            return lambda o: not inner(o)
        field = self._dotted(key, scope)
        if field is None:
            known = ", ".join(scope.names())
            return self.error(path, "R004", f"unknown event field {key!r} (fields here: {known})")
        test = self.value(value, field, path)
        return lambda obj, key=key, test=test: test(get_value(obj, key))

    def _dotted(self, key: str, scope: Field) -> Field | None:
        field: Field | None = scope
        for part in key.split("."):
            field = field.child(part) if field else None
        return field

    # -- operators on one field ----------------------------------------------------------
    def value(self, spec: Any, field: Field, path: tuple) -> Predicate:
        if not isinstance(spec, dict):
            expected = self.literal(spec, field, path)
            if field.is_list:
                return lambda v: v is not None and expected in v
            return lambda v: v == expected
        preds = [self.operator(op, arg, field, path + (op,)) for op, arg in spec.items()]
        return lambda v: all(p(v) for p in preds)

    def literal(self, value: Any, field: Field, path: tuple) -> Any:
        if field.scalar is bool and not isinstance(value, bool):
            self.error(path, "R003", f"expected true or false, got {value!r}")
        elif field.scalar in (int, float) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self.error(path, "R003", f"expected a number, got {value!r}")
        allowed = _literal_values(field)
        if allowed and value not in allowed:
            self.error(path, "R003", f"{value!r} is not one of: {', '.join(map(str, allowed))}")
        return value

    def listed(self, arg: Any, field: Field, path: tuple) -> list:
        if isinstance(arg, str) and arg.startswith("$"):
            name = arg[1:]
            if name not in self.lists:
                known = ", ".join(sorted(self.lists)) or "none defined"
                self.error(path, "R005", f"unknown list {name!r} (known: {known})")
                return []
            self.used_lists.add(name)
            return list(self.lists[name])
        if not isinstance(arg, list):
            self.error(path, "R003", "expected a list (or $list_name)")
            return []
        return [self.literal(item, field, path + (i,)) for i, item in enumerate(arg)]

    def operator(self, op: str, arg: Any, field: Field, path: tuple) -> Predicate:
        if op not in OPERATORS:
            return self.error(path, "R002", f"unknown operator {op!r} (operators: {', '.join(OPERATORS)})")
        if op in ("any", "all"):
            if not (field.is_list and field.model):
                return self.error(path, "R003", f"{op!r} applies to lists of objects (victims, actors, recipients)")
            inner = self.block(arg, path, Field(field.model))
            return (lambda v: bool(v) and any(inner(x) for x in v)) if op == "any" else (lambda v: bool(v) and all(inner(x) for x in v))
        if op == "within":
            if not field.is_place:
                return self.error(path, "R003", "'within' applies to location or destination")
            codes = {str(c) for c in (arg if isinstance(arg, list) else [arg])}
            return lambda place: place is not None and bool(codes & _place_codes(place))
        if op == "matches":
            if not isinstance(arg, str) or len(arg) > MAX_PATTERN:
                return self.error(path, "R006", f"pattern must be a string of at most {MAX_PATTERN} characters")
            if re.search(r"\([^)]*[+*][^)]*\)[+*{]", arg):
                return self.error(path, "R006", "nested repetition (catastrophic backtracking) is not allowed")
            try:
                pattern = re.compile(arg)
            except re.error as exc:
                return self.error(path, "R006", f"bad pattern: {exc}")
            return lambda v: isinstance(v, str) and pattern.search(v) is not None
        if op == "contains":
            needle = str(arg).lower()
            return lambda v: v is not None and needle in (" ".join(map(str, v)) if isinstance(v, tuple) else str(v)).lower()
        if op == "alias":
            names = self.aliases(str(arg))
            if not names:
                return self.error(path, "R005", f"no actor in the actor lexicon has the alias {arg!r}")
            return lambda v: (bool(names & set(v)) if isinstance(v, tuple) else v in names)
        if op == "exists":
            return lambda v: (v is not None and v != ()) == bool(arg)
        if op in ("in", "not_in"):
            values = self.listed(arg, field, path)
            inside = (lambda v: bool(set(v) & set(values))) if field.is_list else (lambda v: v in values)
            return inside if op == "in" else (lambda v: not inside(v))
        expected = self.literal(arg, field, path)
        compare = {
            "eq": lambda v: v == expected, "ne": lambda v: v != expected,
            "gt": lambda v: v is not None and v > expected, "gte": lambda v: v is not None and v >= expected,
            "lt": lambda v: v is not None and v < expected, "lte": lambda v: v is not None and v <= expected,
        }[op]
        if op in ("gt", "gte", "lt", "lte") and not isinstance(expected, (int, float)):
            return self.error(path, "R003", f"{op!r} needs a number")
        return compare


def _literal_values(field: Field) -> tuple:
    scalar = field.scalar
    return get_args(scalar) if get_origin(scalar) is not None and str(get_origin(scalar)).endswith("Literal") else ()


def _place_codes(place: Place) -> set[str]:
    """Every code a place is within: its ISO 3166-2 province, ISO3 and ISO2 country."""
    codes = {c for c in (place.admin1_code, place.country_code) if c}
    if place.admin1_code and "-" in place.admin1_code:
        codes.add(place.admin1_code.split("-")[0])
    return codes
