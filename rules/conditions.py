"""Rule conditions: checked against the event contract at load, compiled into predicates.

A `when:` mapping is an implicit `all`. Each key is either a combinator (`all`, `any`, `not`)
or an event field path (`fatalities`, `location.admin1_code`, `victims.rank`). Each field takes
an operator mapping or a plain value:

    fatalities: {gte: 10}
    event_type: {in: [ASSAULT, COERCE]}
    acled_sub_event_type: [Air/drone strike, Suicide bomb]   # a plain list (or $list) means `in`
    victims: {any: {rank_class: senior_officer, outcome: killed}}
    location: {within: SY-HL}            # a town matches its province and its country
    location: {admin1_code: SY-HL}       # an object field also takes conditions on its fields
    actors: {any: {name: {alias: isis}}} # any alias of the actor lexicon
    evidence.text: {matches: "(?i)assassinat"}
    date: {gte: 2020-01-01}

Operators: eq, ne, in, not_in, gt, gte, lt, lte (numbers and dates), matches (regular
expression, searched), contains (case-insensitive substring), alias, exists (true/false),
within (places), any / all (lists of objects: victims, actors, recipients).

A path through a list (`victims.rank`, `actors.name`) or a list field (`event_mode`, `weapon`)
holds several values: a plain value, `eq`, `in`, the comparisons, `matches` and `contains`
hold when ANY value satisfies them; `ne` and `not_in` when NONE does; `exists` when there is
at least one value.
"""

from __future__ import annotations

import functools
import json

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from .event import Event, Place
from .located import Diagnostic, Located

Predicate = Callable[[Any], bool]
COMBINATORS = ("all", "any", "not")
OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "matches", "contains", "within", "any", "all", "alias", "exists")
MAX_PATTERN = 300
_NEGATIVE = ("ne", "not_in")


class Field:
    """What the rules know about one event field: its scalar type or its sub-fields."""

    def __init__(self, annotation: Any, through_list: bool = False):
        self.is_list = get_origin(annotation) is tuple or through_list
        inner = get_args(annotation)[0] if get_origin(annotation) is tuple else annotation
        options = [a for a in get_args(inner) if a is not type(None)] if get_origin(inner) is not Literal else []
        options = options or [inner]
        model = next((o for o in options if isinstance(o, type) and issubclass(o, BaseModel)), None)
        self.model = model
        self.is_place = model is Place
        scalar = None if model else options[0]
        self.allowed: tuple = get_args(scalar) if get_origin(scalar) is Literal else ()
        self.scalar = type(self.allowed[0]) if self.allowed else scalar

    def child(self, name: str) -> "Field | None":
        if not self.model or name not in self.model.model_fields:
            return None
        key = (self.model, name, self.is_list)
        found = _CHILDREN.get(key)
        if found is None:  # fields are read-only once built: one per (model, name, through a list)
            found = _CHILDREN[key] = Field(self.model.model_fields[name].annotation, through_list=self.is_list)
        return found

    def names(self) -> list[str]:
        return sorted(self.model.model_fields) if self.model else []

    @property
    def objects(self) -> bool:
        """A list of objects (victims, actors, recipients): takes `any` / `all`."""
        return self.is_list and self.model is not None


_CHILDREN: dict[tuple[type, str, bool], Field] = {}
ROOT = Field(Event)


def resolve_field(path: str, scope: Field = ROOT) -> Field | None:
    """The field at a dotted path, or None when the event contract has no such field."""
    field: Field | None = scope
    for part in str(path).split("."):
        field = field.child(part) if field else None
    return field


@functools.lru_cache(maxsize=4096)
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def get_value(obj: Any, path: str) -> Any:
    """The value at a dotted path; for lists of objects, the list of their values."""
    for part in _parts(path):
        if obj is None:
            return None
        if isinstance(obj, tuple):
            obj = tuple(getattr(item, part, None) for item in obj)
        else:
            obj = getattr(obj, part, None)
    return obj


def getter(path: str) -> Callable[[Any], Any]:
    """`get_value(obj, path)` with the path resolved once (the common one-part path is a getattr)."""
    parts = _parts(path)
    if len(parts) == 1:
        name = parts[0]
        return lambda obj: getattr(obj, name, None)
    if len(parts) == 2:
        first, second = parts

        def two(obj: Any) -> Any:
            value = getattr(obj, first, None)
            if value is None:
                return None
            if isinstance(value, tuple):
                return tuple(getattr(item, second, None) for item in value)
            return getattr(value, second, None)
        return two
    return lambda obj: get_value(obj, path)


def _all(preds: list[Predicate]) -> Predicate:
    """All of `preds`, without a generator per call for the usual one or two."""
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        first, second = preds
        return lambda obj: first(obj) and second(obj)
    return lambda obj: all(p(obj) for p in preds)


def condition_key(key: Any, value: Any) -> str:
    """A canonical text for one top-level condition `key: value`: equal texts are the same
    test of an event within one rule set (lists, macros and aliases are the set's own)."""
    return json.dumps([key, value], sort_keys=True, separators=(",", ":"),
                      default=lambda v: f"{type(v).__name__}:{v}")


def _comparable(value: Any) -> Any:
    """Dates and date-times compare with each other (a date is its midnight, UTC)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.timezone.utc)
    return value


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
        if scope is ROOT:
            return _all([pred for _, pred, _ in self.conjuncts(spec, path)] or [lambda _obj: True])
        if not isinstance(spec, dict):
            return self.error(path, "R003", f"expected a mapping of conditions, got {_kind(spec)}")
        parts = [self.entry(str(key), value, path + (key,), scope) for key, value in spec.items()]
        return _all(parts) if parts else (lambda _obj: True)

    def conjuncts(self, spec: Any, path: tuple) -> list[tuple[str, Predicate, Any]]:
        """A top-level block as the conditions that must all hold, `all:` lists flattened:
        (canonical key (condition_key), predicate, the condition as written: `{key: value}`
        or a macro name). The matcher evaluates each distinct key once per event, however
        many rules share it."""
        if isinstance(spec, str):
            return [(condition_key("macro", spec), self.macro(spec, path), spec)]
        if not isinstance(spec, dict):
            return [("error", self.error(path, "R003", f"expected a mapping of conditions, got {_kind(spec)}"), spec)]
        out: list[tuple[str, Predicate, Any]] = []
        for key, value in spec.items():
            if key == "all" and isinstance(value, list):
                for i, item in enumerate(value):
                    out.extend(self.conjuncts(item, path + (key, i)))
            else:
                out.append((condition_key(key, value), self.entry(str(key), value, path + (key,), ROOT), {key: value}))
        return out

    def macro(self, name: str, path: tuple) -> Predicate:
        if name not in self.macros:
            known = ", ".join(sorted(self.macros)) or "none defined"
            return self.error(path, "R005", f"unknown macro {name!r} (known: {known})")
        self.used_macros.add(name)
        return self.macros[name]

    def entry(self, key: str, value: Any, path: tuple, scope: Field) -> Predicate:
        if key in ("all", "any"):
            if not isinstance(value, list):
                return self.error(path, "R003", f"{key!r} takes a list of condition blocks")
            preds = [self.block(item, path + (i,), scope) for i, item in enumerate(value)]
            if key == "all":
                return _all(preds) if preds else (lambda _o: True)
            return lambda o: any(p(o) for p in preds)
        if key == "not":
            inner = self.block(value, path, scope)
            return lambda o: not inner(o)
        field = resolve_field(key, scope)
        if field is None:
            known = ", ".join(scope.names())
            return self.error(path, "R004", f"unknown event field {key!r} (fields here: {known})")
        test, get = self.value(value, field, path), getter(key)
        return lambda obj: test(get(obj))

    # -- operators on one field ----------------------------------------------------------
    def value(self, spec: Any, field: Field, path: tuple) -> Predicate:
        if isinstance(spec, dict):
            preds = [self.operator(str(op), arg, field, path + (op,)) for op, arg in spec.items()]
            return _all(preds) if preds else (lambda _v: True)
        if field.model is not None:
            return self.error(path, "R003", "this field is an object: use an operator mapping "
                              f"(within, exists, any, all) or one of its fields ({', '.join(field.names())})")
        if isinstance(spec, list) or (isinstance(spec, str) and spec.startswith("$")):
            return self.operator("in", spec, field, path)
        return self.operator("eq", spec, field, path)

    def literal(self, value: Any, field: Field, path: tuple) -> Any:
        scalar = field.scalar
        if scalar is bool and not isinstance(value, bool):
            self.error(path, "R003", f"expected true or false, got {value!r}")
        elif scalar in (int, float) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self.error(path, "R003", f"expected a number, got {value!r}")
        elif scalar is str and not isinstance(value, str):
            self.error(path, "R003", f"expected text, got {value!r} (quote it)")
        elif scalar in (dt.date, dt.datetime) and not isinstance(value, dt.date):
            self.error(path, "R003", f"expected a date such as 2020-01-31, got {value!r}")
        elif field.allowed and value not in field.allowed:
            self.error(path, "R003", f"{value!r} is not one of: {', '.join(map(str, field.allowed))}")
        return _comparable(value)

    def listed(self, arg: Any, field: Field, path: tuple) -> list:
        if isinstance(arg, str) and arg.startswith("$"):
            name = arg[1:]
            if name not in self.lists:
                known = ", ".join(sorted(self.lists)) or "none defined"
                self.error(path, "R005", f"unknown list {name!r} (known: {known})")
                return []
            self.used_lists.add(name)
            return [self.literal(item, field, path) for item in self.lists[name]]
        if not isinstance(arg, list):
            self.error(path, "R003", "expected a list (or $list_name)")
            return []
        return [self.literal(item, field, path + (i,)) for i, item in enumerate(arg)]

    def operator(self, op: str, arg: Any, field: Field, path: tuple) -> Predicate:
        if field.model is not None and not field.is_list and op not in OPERATORS and field.child(op):
            # `location: {admin1_code: SY-HL}`: a condition on a field of the object.
            inner = self.entry(op, arg, path, Field(field.model))
            return lambda v: v is not None and inner(v)
        if op not in OPERATORS:
            extra = ""
            if field.model is not None:
                extra = (f"; to test each item write `any: {{{op}: ...}}`" if field.is_list
                         else f"; fields here: {', '.join(field.names())}")
            return self.error(path, "R002", f"unknown operator {op!r} (operators: {', '.join(OPERATORS)}{extra})")
        if op == "exists":
            if not isinstance(arg, bool):
                return self.error(path, "R003", f"'exists' takes true or false, got {arg!r}")
            return lambda v: _present(v) == arg
        if field.model is not None:
            return self.structured(op, arg, field, path)
        before = len(self.errors)
        test = self.scalar_test(op, arg, field, path)
        if op in ("eq", "in", "alias") and field.scalar is str and len(self.errors) == before:
            return self.text_in(op, arg, field, path)
        if not field.is_list:
            if op in _NEGATIVE:
                return test  # a missing value is not equal to / not in anything
            return lambda v: v is not None and test(v)
        if op in _NEGATIVE:  # none of the values is / is in ...
            return lambda vs: all(test(v) for v in (vs or ()) if v is not None)
        return lambda vs: any(test(v) for v in (vs or ()) if v is not None)

    def text_in(self, op: str, arg: Any, field: Field, path: tuple) -> Predicate:
        """eq / in / alias on a text field (checked by scalar_test) as one set test: a value,
        or any of a list field's values, is in the set (None never is)."""
        if op == "alias":
            values = frozenset(self.aliases(str(arg)))
        else:
            values = frozenset([arg] if op == "eq" else self.listed(arg, field, path))
        if field.is_list:
            return lambda vs: bool(vs) and not values.isdisjoint(vs)
        return lambda v: v in values

    def structured(self, op: str, arg: Any, field: Field, path: tuple) -> Predicate:
        if op in ("any", "all"):
            if not field.objects:
                return self.error(path, "R003", f"{op!r} applies to lists of objects (victims, actors, recipients)")
            inner = self.block(arg, path, Field(field.model))
            if op == "any":
                return lambda v: bool(v) and any(inner(x) for x in v)
            return lambda v: bool(v) and all(inner(x) for x in v)
        if op == "within":
            if not field.is_place:
                return self.error(path, "R003", "'within' applies to location or destination")
            codes = {str(c) for c in (arg if isinstance(arg, list) else [arg])}
            return lambda place: place is not None and bool(codes & place_codes(place))
        return self.error(path, "R003", f"{op!r} does not apply to an object field: use one of its fields ({', '.join(field.names())})")

    def scalar_test(self, op: str, arg: Any, field: Field, path: tuple) -> Predicate:
        """A test of ONE value (list fields apply it to each of their values)."""
        if op in ("any", "all", "within"):
            return self.error(path, "R003", f"{op!r} does not apply to a plain value")
        if op == "matches":
            if field.scalar is not str:
                return self.error(path, "R003", "'matches' applies to text fields")
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
            if field.scalar is not str or not isinstance(arg, str):
                return self.error(path, "R003", "'contains' takes text and applies to text fields")
            needle = arg.lower()
            return lambda v: needle in str(v).lower()
        if op == "alias":
            names = self.aliases(str(arg))
            if not names:
                return self.error(path, "R005", f"no actor in the actor lexicon has the alias {arg!r}")
            return lambda v: v in names
        if op in ("in", "not_in"):
            values = self.listed(arg, field, path)
            return (lambda v: v in values) if op == "in" else (lambda v: v not in values)
        if op in ("gt", "gte", "lt", "lte") and field.scalar not in (int, float, dt.date, dt.datetime):
            return self.error(path, "R003", f"{op!r} applies to numbers and dates")
        before = len(self.errors)
        expected = self.literal(arg, field, path)
        if len(self.errors) > before:
            return lambda _v: False
        compare = {
            "eq": lambda v: _comparable(v) == expected, "ne": lambda v: _comparable(v) != expected,
            "gt": lambda v: _comparable(v) > expected, "gte": lambda v: _comparable(v) >= expected,
            "lt": lambda v: _comparable(v) < expected, "lte": lambda v: _comparable(v) <= expected,
        }[op]
        return compare


def _present(value: Any) -> bool:
    if isinstance(value, tuple):
        return any(v is not None for v in value)
    return value is not None


def _kind(value: Any) -> str:
    return {dict: "mapping", list: "list", str: "text", type(None): "nothing"}.get(type(value), type(value).__name__)


def place_codes(place: Place | None) -> set[str]:
    """Every code a place is within: its ISO 3166-2 province, ISO3 and ISO2 country."""
    if place is None:
        return set()
    codes = {c for c in (place.admin1_code, place.country_code) if c}
    if place.admin1_code and "-" in place.admin1_code:
        codes.add(place.admin1_code.split("-")[0])
    return codes
