"""Load rule directories into a RuleSet, collecting every located error at once.

A YAML document is either a rule (it has `id`), a library document holding `lists:` and/or
`macros:` shared by every rule file, or a `quiet_hours:` document (recurring quiet windows). Nothing half-valid is kept: a rule with any error is left
out, and callers that swap rule sets (live reload) keep the last good set when errors exist.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .conditions import Compiler, Predicate, resolve_field
from .index import Matcher, exact, requirements
from .located import Diagnostic, Located, load_documents
from .spec import CompiledRule, QuietHours, QuietWindow, RuleSpec

DEFAULT_RECEIVERS = ("slack", "email")


def default_pack() -> Path:
    return Path(str(resources.files("rules") / "default"))


@dataclass
class RuleSet:
    rules: list[CompiledRule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    version: str = ""
    quiet_hours: tuple[QuietWindow, ...] = ()

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @functools.cached_property
    def matcher(self) -> Matcher:
        """The matching index over `rules` (rules/index/), built once."""
        return Matcher(self.rules)


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def _no_aliases(_alias: str) -> set[str]:
    return set()


def spec_errors(doc: Located, exc: ValidationError) -> list[Diagnostic]:
    """A document's pydantic validation errors as located diagnostics (R002, R008, R003);
    the receivers file reports its errors through it too."""
    out = []
    for item in exc.errors():
        path = tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            out.append(doc.diag(path, "R002", f"unknown key {path[-1]!r}"))
        elif item["type"] == "missing":
            out.append(doc.diag(path[:-1], "R008", f"missing required key {path[-1]!r}"))
        else:
            where = ".".join(map(str, path))
            message = item["msg"].removeprefix("Value error, ")
            out.append(doc.diag(path, "R003", f"{where}: {message}" if where else message))
    return out


class _Library:
    """Lists and macros from every library document, with their use tracked for W001/W002."""

    def __init__(self, docs: list[Located], aliases: Callable[[str], set[str]], diagnostics: list[Diagnostic]):
        self.lists: dict[str, tuple[list, Located]] = {}
        self.macros: dict[str, tuple[Predicate, Located]] = {}
        self.macro_blocks: dict[str, Any] = {}  # as written, for the matching index
        self.used_lists: set[str] = set()
        self.used_macros: set[str] = set()
        for doc in docs:
            for name, values in self._section(doc, "lists", diagnostics):
                if not isinstance(values, list):
                    diagnostics.append(doc.diag(("lists", name), "R003", f"list {name!r} must be a YAML list"))
                elif name in self.lists:
                    diagnostics.append(doc.diag(("lists", name), "R007", f"list {name!r} is defined twice"))
                else:
                    self.lists[name] = (values, doc)
        for doc in docs:
            for name, block in self._section(doc, "macros", diagnostics):
                if name in self.macros:
                    diagnostics.append(doc.diag(("macros", name), "R007", f"macro {name!r} is defined twice"))
                    continue
                compiler = Compiler(doc, self.plain_lists, {}, aliases)
                self.macros[name] = (compiler.block(block, ("macros", name)), doc)
                self.macro_blocks[name] = block
                diagnostics.extend(compiler.errors)
                self.used_lists |= compiler.used_lists

    @staticmethod
    def _section(doc: Located, key: str, diagnostics: list[Diagnostic]) -> list[tuple[str, Any]]:
        section = doc.data.get(key)
        if section is None:
            return []
        if not isinstance(section, dict):
            diagnostics.append(doc.diag((key,), "R003", f"`{key}` must be a mapping of names"))
            return []
        return [(str(name), value) for name, value in section.items()]

    @property
    def plain_lists(self) -> dict[str, list]:
        return {name: values for name, (values, _) in self.lists.items()}

    @property
    def plain_macros(self) -> dict[str, Predicate]:
        return {name: pred for name, (pred, _) in self.macros.items()}

    def compiler(self, doc: Located, aliases: Callable[[str], set[str]]) -> Compiler:
        return Compiler(doc, self.plain_lists, self.plain_macros, aliases)

    def unused(self) -> list[Diagnostic]:
        out = [doc.diag(("lists", name), "W001", f"list {name!r} is never used", "warning")
               for name, (_, doc) in self.lists.items() if name not in self.used_lists]
        out += [doc.diag(("macros", name), "W002", f"macro {name!r} is never used", "warning")
                for name, (_, doc) in self.macros.items() if name not in self.used_macros]
        return out


def _field_paths(doc: Located, key: tuple, paths: Any, what: str) -> list[Diagnostic]:
    """R004 for each path in a `by:` / `fields:` / `dedup.key` list the event does not have."""
    out = []
    for i, path in enumerate(paths if isinstance(paths, list) else []):
        if not isinstance(path, str):
            continue  # the spec validation reports the type
        field_ = resolve_field(path)
        if field_ is None:
            out.append(doc.diag(key + (i,), "R004", f"unknown event field {path!r} in {what}"))
        elif field_.model is not None:
            names = ", ".join(f"{path}.{n}" for n in field_.names()[:4])
            out.append(doc.diag(key + (i,), "R003", f"{what} needs a value, {path!r} is an object (e.g. {names})"))
    return out


def _compile_rule(doc: Located, library: _Library, aliases, receivers: set[str]) -> tuple[RuleSpec | None, list[Diagnostic], Predicate, "_Parts", Predicate | None]:
    data = doc.data
    errors: list[Diagnostic] = []
    try:
        spec = RuleSpec.model_validate(data)
    except ValidationError as exc:
        errors.extend(spec_errors(doc, exc))
        spec = None
    compiler = library.compiler(doc, aliases)
    written: list[tuple[str, Predicate, Any]] = [("never", lambda _e: False, None)]
    if "when" in data:  # a missing `when` is one R008, not a second error here
        written = compiler.conjuncts(data.get("when"), ("when",))
    unless = compiler.block(data["unless"], ("unless",)) if data.get("unless") is not None else None
    predicate = _predicate(tuple(pred for _, pred, _ in written), unless)
    gold = compiler.block(data["gold"], ("gold",)) if data.get("gold") is not None else None
    errors.extend(compiler.errors)
    library.used_lists |= compiler.used_lists
    library.used_macros |= compiler.used_macros
    window, new_term = data.get("window"), data.get("new_term")
    if isinstance(window, dict):
        errors.extend(_field_paths(doc, ("window", "by"), window.get("by"), "window.by"))
    if isinstance(new_term, dict):
        errors.extend(_field_paths(doc, ("new_term", "fields"), new_term.get("fields"), "new_term.fields"))
    if window is not None and new_term is not None:
        errors.append(doc.diag(("new_term",), "R003", "a rule takes `window` or `new_term`, not both"))
    if isinstance(data.get("inhibits"), dict):
        errors.extend(_field_paths(doc, ("inhibits", "same"), data["inhibits"].get("same"), "inhibits.same"))
    if isinstance(data.get("group"), dict):
        errors.extend(_field_paths(doc, ("group", "by"), data["group"].get("by"), "group.by"))
    if isinstance(data.get("dedup"), dict):
        errors.extend(_field_paths(doc, ("dedup", "key"), data["dedup"].get("key"), "dedup.key"))
    for i, test in enumerate(data.get("tests") if isinstance(data.get("tests"), list) else []):
        if isinstance(test, dict) and isinstance(test.get("fields"), dict):
            errors.extend(doc.diag(("tests", i, "fields", p), "R004", f"unknown event field {p!r} in test fields")
                          for p in test["fields"] if resolve_field(str(p)) is None)
    notify = data.get("notify")
    for i, receiver in enumerate(notify if isinstance(notify, list) else []):
        if isinstance(receiver, str) and receiver not in receivers:
            errors.append(doc.diag(("notify", i), "R005", f"unknown receiver {receiver!r} (known: {', '.join(sorted(receivers))})"))
    lists = library.plain_lists
    conjuncts = tuple((key, pred, exact(item, lists, aliases)) for key, pred, item in written)
    parts = _Parts(conjuncts, unless, tuple(requirements(data.get("when"), lists, library.macro_blocks, aliases).items()))
    return spec, errors, predicate, parts, gold


@dataclass(frozen=True)
class _Parts:
    conjuncts: tuple[tuple[str, Predicate, tuple[str, frozenset] | None], ...]
    unless: Predicate | None
    requires: tuple[tuple[str, frozenset], ...]


def _predicate(parts: tuple[Predicate, ...], unless: Predicate | None) -> Predicate:
    """`when` (all of its top-level conditions) and not `unless`."""
    if unless is None:
        return lambda e: all(p(e) for p in parts)
    return lambda e: all(p(e) for p in parts) and not unless(e)


def load_rules(
    paths: Iterable[Path] | None = None,
    receivers: Iterable[str] = DEFAULT_RECEIVERS,
    aliases: Callable[[str], set[str]] = _no_aliases,
    root: Path | None = None,
) -> RuleSet:
    """Load and compile every rule under `paths` (the default pack when None)."""
    files = _files(list(paths) if paths else [default_pack()])
    receivers = set(receivers)
    digest = hashlib.sha256()
    diagnostics: list[Diagnostic] = []
    rule_docs: list[Located] = []
    library_docs: list[Located] = []
    quiet: list[QuietWindow] = []
    for path in files:
        shown = _display(path, root)
        digest.update(shown.encode() + b"\0" + (path.read_bytes() if path.is_file() else b""))
        docs, errors = load_documents(path, shown)
        diagnostics.extend(errors)
        for doc in docs:
            if isinstance(doc.data, dict) and "id" in doc.data:
                rule_docs.append(doc)
            elif isinstance(doc.data, dict) and "quiet_hours" in doc.data:
                try:
                    quiet.extend(QuietHours.model_validate(doc.data).quiet_hours)
                except ValidationError as exc:
                    diagnostics.extend(spec_errors(doc, exc))
            elif isinstance(doc.data, dict) and doc.data and set(doc.data) <= {"lists", "macros"}:
                library_docs.append(doc)
            elif isinstance(doc.data, dict) and {"lists", "macros"} & set(doc.data):
                extra = sorted(set(doc.data) - {"lists", "macros"})
                diagnostics.extend(doc.diag((k,), "R002", f"unknown key {k!r} in a library document (lists, macros)") for k in extra)
            else:
                diagnostics.append(doc.diag((), "R008", "a document must be a rule (with `id`), hold `lists`/`macros`, or `quiet_hours`"))

    library = _Library(library_docs, aliases, diagnostics)
    rules: list[CompiledRule] = []
    seen: dict[str, Located] = {}
    for doc in rule_docs:
        spec, errors, predicate, parts, gold = _compile_rule(doc, library, aliases, receivers)
        rule_id = doc.data.get("id")
        if isinstance(rule_id, str) and rule_id in seen:
            first = seen[rule_id]
            line, _ = first.where(("id",))
            errors.append(doc.diag(("id",), "R007", f"duplicate rule id {rule_id!r} (first in {first.file}:{line})"))
        elif isinstance(rule_id, str):
            seen[rule_id] = doc
        diagnostics.extend(errors)
        if spec is not None and not doc.flawed and not [e for e in errors if e.severity != "warning"]:
            rules.append(CompiledRule(spec, predicate, doc.file, gold,
                                      parts.conjuncts, parts.unless, parts.requires))
    diagnostics.extend(library.unused())
    for doc in rule_docs:  # a typo in `inhibits.rules` would mute nothing: say so
        inhibits = doc.data.get("inhibits")
        named = inhibits.get("rules") if isinstance(inhibits, dict) else None
        for i, rule_id in enumerate(named if isinstance(named, list) else []):
            if isinstance(rule_id, str) and rule_id not in seen:
                diagnostics.append(doc.diag(("inhibits", "rules", i), "W003",
                                            f"inhibits.rules: no rule {rule_id!r} is loaded", "warning"))

    shown = sorted(d for d in diagnostics if d.severity != "suppressed")
    ruleset = RuleSet(rules, shown, digest.hexdigest()[:12], quiet_hours=tuple(quiet))
    _ = ruleset.matcher  # built here, not on the first event
    return ruleset


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root or Path.cwd()))
    except ValueError:
        return str(path)
