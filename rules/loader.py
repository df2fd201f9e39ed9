"""Load rule directories into a RuleSet, collecting every located error at once.

A YAML document is either a rule (it has `id`) or a library document holding `lists:` and/or
`macros:` shared by every rule file. Nothing half-valid is kept: a rule with any error is left
out, and callers that swap rule sets (live reload) keep the last good set when errors exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .conditions import Compiler
from .located import Diagnostic, Located, load_documents
from .spec import CompiledRule, RuleSpec

DEFAULT_RECEIVERS = ("slack", "email")


def default_pack() -> Path:
    return Path(str(resources.files("rules") / "default"))


@dataclass
class RuleSet:
    rules: list[CompiledRule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    version: str = ""
    by_type: dict[str | None, list[CompiledRule]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def candidates(self, event_type: str) -> list[CompiledRule]:
        """Rules that can fire on an event of this type (the index keeps matching cheap)."""
        return self.by_type.get(event_type, []) + self.by_type.get(None, [])


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


def _index_types(when) -> frozenset[str] | None:
    if isinstance(when, dict):
        value = when.get("event_type")
        if isinstance(value, str):
            return frozenset([value])
        if isinstance(value, dict) and isinstance(value.get("in"), list) and len(value) == 1:
            return frozenset(map(str, value["in"]))
    return None


def _spec_errors(doc: Located, exc: ValidationError) -> list[Diagnostic]:
    out = []
    for item in exc.errors():
        path = tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            out.append(doc.diag(path, "R002", f"unknown key {path[-1]!r}"))
        elif item["type"] == "missing":
            out.append(doc.diag(path[:-1], "R008", f"missing required key {path[-1]!r}"))
        else:
            where = ".".join(map(str, path))
            out.append(doc.diag(path, "R003", f"{where}: {item['msg']}"))
    return out


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
    library: list[Located] = []
    for path in files:
        digest.update(path.read_bytes() if path.exists() else b"")
        shown = _display(path, root)
        docs, errors = load_documents(path, shown)
        diagnostics.extend(errors)
        for doc in docs:
            if isinstance(doc.data, dict) and "id" in doc.data:
                rule_docs.append(doc)
            elif isinstance(doc.data, dict) and set(doc.data) <= {"lists", "macros"} and doc.data:
                library.append(doc)
            else:
                diagnostics.append(doc.diag((), "R008", "a document must be a rule (with `id`) or hold `lists`/`macros`"))

    lists, macros_src = {}, {}
    for doc in library:
        for name, values in (doc.data.get("lists") or {}).items():
            if not isinstance(values, list):
                diagnostics.append(doc.diag(("lists", name), "R003", f"list {name!r} must be a YAML list"))
            elif name in lists:
                diagnostics.append(doc.diag(("lists", name), "R007", f"list {name!r} is defined twice"))
            else:
                lists[name] = (values, doc)
    plain_lists = {name: values for name, (values, _) in lists.items()}
    macros, used_lists, used_macros = {}, set(), set()
    for doc in library:
        for name, block in (doc.data.get("macros") or {}).items():
            compiler = Compiler(doc, plain_lists, {}, aliases)
            macros[name] = (compiler.block(block, ("macros", name)), doc)
            diagnostics.extend(compiler.errors)
            used_lists |= compiler.used_lists
    plain_macros = {name: pred for name, (pred, _) in macros.items()}

    rules: list[CompiledRule] = []
    seen: dict[str, Located] = {}
    for doc in rule_docs:
        errors: list[Diagnostic] = []
        try:
            spec = RuleSpec.model_validate(doc.data)
        except ValidationError as exc:
            diagnostics.extend(_spec_errors(doc, exc))
            spec = None
        compiler = Compiler(doc, plain_lists, plain_macros, aliases)
        predicate = compiler.block(doc.data.get("when"), ("when",))
        if doc.data.get("unless") is not None:
            exception = compiler.block(doc.data["unless"], ("unless",))
            positive = predicate
            predicate = lambda e, p=positive, x=exception: p(e) and not x(e)  # noqa: E731
        errors.extend(compiler.errors)
        used_lists |= compiler.used_lists
        used_macros |= compiler.used_macros
        for i, receiver in enumerate(doc.data.get("notify") or []):
            if receiver not in receivers:
                errors.append(doc.diag(("notify", i), "R005", f"unknown receiver {receiver!r} (known: {', '.join(sorted(receivers))})"))
        rule_id = doc.data.get("id")
        if isinstance(rule_id, str) and rule_id in seen:
            first = seen[rule_id]
            line, _ = first.where(("id",))
            errors.append(doc.diag(("id",), "R007", f"duplicate rule id {rule_id!r} (first in {first.file}:{line})"))
        elif isinstance(rule_id, str):
            seen[rule_id] = doc
        diagnostics.extend(errors)
        if spec is not None and not errors:
            rules.append(CompiledRule(spec, predicate, doc.file, _index_types(doc.data.get("when"))))

    for name, (_, doc) in lists.items():
        if name not in used_lists:
            diagnostics.append(doc.diag(("lists", name), "W001", f"list {name!r} is never used", "warning"))
    for name, (_, doc) in macros.items():
        if name not in used_macros:
            diagnostics.append(doc.diag(("macros", name), "W002", f"macro {name!r} is never used", "warning"))

    ruleset = RuleSet(rules, sorted(diagnostics), digest.hexdigest()[:12])
    for rule in rules:
        for key in rule.index_types or [None]:
            ruleset.by_type.setdefault(key, []).append(rule)
    return ruleset


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root or Path.cwd()))
    except ValueError:
        return str(path)
