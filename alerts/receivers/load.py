"""Load the receivers file: named receivers and the routing tree, every mistake located.

    receivers:
      slack:syria-watch: {type: slack, channel: "#syria-watch", token_env: SLACK_TOKEN_OPS}
      ops-webhook: {type: webhook, url: "https://hooks.example.org/watchfloor"}
    route:
      receivers: [email]
      routes:
        - {matchers: [country_code=SYR], receivers: [slack:syria-watch]}

Errors come as `file:line:col CODE message`, all at once, with the codes of rule files
(docs/rules.md) and R009 for a secret's environment variable that is not set. A file with any
error yields no receivers and no tree: callers refuse to start rather than route half-way.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr, ValidationError
from rules.loader import spec_errors
from rules.located import Diagnostic, Located, load_documents

from ..routing.parse import parse_tree
from ..routing.tree import Route
from .spec import SPECS, ReceiverSpec

TOP_KEYS = ("receivers", "route")
MASK = "**********"


@dataclass(frozen=True)
class Receiver:
    """One named receiver: what the file says, plus its secrets read from the environment."""

    name: str
    spec: ReceiverSpec
    secrets: Mapping[str, SecretStr] = field(default_factory=dict)
    where: str = ""

    def secret(self, name: str) -> str | None:
        value = self.secrets.get(name)
        return value.get_secret_value() if value is not None else None

    def redacted(self) -> dict:
        """The receiver as written, with where each secret comes from (never its value)."""
        shown = {"type": self.spec.type, **self.spec.model_dump(mode="json", by_alias=True, exclude_none=True,
                                                                  exclude={"type"})}
        if hasattr(self.spec, "effective_port"):
            shown["port"] = self.spec.effective_port  # the one used, also when the file leaves it out
        shown["secrets"] = {name: f"{MASK} (from ${env})" for name, env in self.spec.secret_envs().items()}
        return shown


@dataclass(frozen=True)
class ReceiversConfig:
    """The receivers file, loaded: receivers by name, the tree (None: rules' `notify` decides)."""

    receivers: dict[str, Receiver] = field(default_factory=dict)
    tree: Route | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    file: str | None = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def _within(doc: Located, prefix: tuple) -> Located:
    """`doc` seen from `prefix`, so located helpers for whole documents work on a part."""
    marks = {path[len(prefix):]: mark for path, mark in doc.marks.items() if path[:len(prefix)] == prefix}
    return Located(doc.data, marks, doc.file, frozenset(r[len(prefix):] for r in doc.refused if r[:len(prefix)] == prefix))


def _receiver(doc: Located, name: object, body: object, env: Mapping[str, str], reserved_topics: Collection[str],
              need_secrets: bool) -> tuple[Receiver | None, list[Diagnostic]]:
    path = ("receivers", name)
    if not isinstance(name, str) or not name.strip() or any(c.isspace() for c in name):
        return None, [doc.diag(path, "R003", f"receiver name {name!r} must be a word such as slack:syria-watch")]
    if not isinstance(body, dict):
        return None, [doc.diag(path, "R003", f"receiver {name!r} must be a mapping with a type")]
    kind = body.get("type")
    if kind is None:
        return None, [doc.diag(path, "R008", f"missing required key 'type' ({', '.join(SPECS)})")]
    if kind not in SPECS:
        return None, [doc.diag(path + ("type",), "R003", f"unknown receiver type {kind!r} ({', '.join(SPECS)})")]
    model = SPECS[kind]
    errors: list[Diagnostic] = []
    secret_keys = {k for k in body if k not in model.model_fields and f"{k}_env" in model.model_fields}
    for key in body:
        if key in secret_keys:
            errors.append(doc.diag(path + (key,), "R002", f"{key!r} is a secret: never written here; name the "
                                                          f"environment variable that holds it with {key}_env"))
    try:
        spec = model.model_validate({k: v for k, v in body.items() if k not in secret_keys})
    except ValidationError as exc:
        found = spec_errors(_within(doc, path), exc)
        if secret_keys:  # "needs token_env ..." only repeats the R002 above
            found = [d for d in found if (d.line, d.col) != doc.where(path)]
        return None, errors + found
    secrets: dict[str, SecretStr] = {}
    for secret, variable in spec.secret_envs().items():
        value = env.get(variable)
        if value:
            secrets[secret] = SecretStr(value)
        else:
            header = secret.removeprefix("header:")
            key, what = (("headers_env", header), f"{header} header") if header != secret else ((f"{secret}_env",), secret)
            errors.append(doc.diag(path + key, "R009", f"environment variable {variable} is not set "
                                                       f"(it holds the {what} of receiver {name!r})",
                                   "error" if need_secrets else "warning"))
    if kind == "kafka" and spec.topic in reserved_topics:
        errors.append(doc.diag(path + ("topic",), "R003", f"{spec.topic!r} is a watchfloor topic: alerts are "
                                                          "published on the alerts topic already; name another topic"))
    line, col = doc.where(path)
    failed = any(d.severity == "error" for d in errors)
    return (None if failed else Receiver(name, spec, secrets, f"{doc.file}:{line}:{col}")), errors


def load_receivers(path: Path | str, env: Mapping[str, str] | None = None, defaults: Collection[str] = ("slack", "email"),
                   reserved_topics: Collection[str] = (), display: str | None = None,
                   need_secrets: bool = True) -> ReceiversConfig:
    """Read the receivers file at `path`; secrets from `env` (default: os.environ).

    `defaults` are the receivers that exist without the file (the WATCHFLOOR_SLACK_* and
    WATCHFLOOR_SMTP_* ones): routes may name them, and a receiver of the same name replaces one.
    `reserved_topics` are watchfloor's own topics, which a kafka receiver may not write to.
    `need_secrets=False` turns an unset secret variable into a warning (`watchfloor routes`
    only routes: it sends nothing).
    """
    env = os.environ if env is None else env
    file = display or str(path)
    docs, diagnostics = load_documents(Path(path), file)
    if not docs and not diagnostics:
        diagnostics.append(Diagnostic(file, 1, 1, "R008", "the file is empty: it needs a receivers: section"))
    if len(docs) > 1:
        diagnostics.append(docs[1].diag((), "R003", "one YAML document expected (receivers: and route: together)"))
    receivers: dict[str, Receiver] = {}
    tree: Route | None = None
    if docs:
        doc = docs[0]
        data = doc.data
        if not isinstance(data, dict):
            diagnostics.append(doc.diag((), "R003", "the file must be a mapping with receivers: and route:"))
            data = {}
        for key in data:
            if key not in TOP_KEYS:
                diagnostics.append(doc.diag((key,), "R002", f"unknown key {key!r} (top-level keys: {', '.join(TOP_KEYS)})"))
        section = data.get("receivers", {})
        if "receivers" not in data and isinstance(doc.data, dict):
            diagnostics.append(doc.diag((), "R008", "missing required key 'receivers'"))
        elif not isinstance(section, dict):
            diagnostics.append(doc.diag(("receivers",), "R003", "receivers must be a mapping of name -> receiver"))
            section = {}
        names = {*defaults, *(n for n in section if isinstance(n, str))}
        for name, body in section.items():
            receiver, errors = _receiver(doc, name, body, env, reserved_topics, need_secrets)
            diagnostics.extend(errors)
            if receiver is not None:
                receivers[name] = receiver
        if "route" in data:
            tree, errors = parse_tree(doc, ("route",), names)
            diagnostics.extend(errors)
    # A finding under a refused value only repeats the R001 about it.
    diagnostics = sorted((d for d in diagnostics if d.severity != "suppressed"), key=lambda d: (d.line, d.col))
    if any(d.severity == "error" for d in diagnostics):
        return ReceiversConfig({}, None, tuple(diagnostics), file)
    return ReceiversConfig(receivers, tree, tuple(diagnostics), file)
