"""The `route:` section of the receivers file -> a Route tree, every mistake located (pure).

    route:
      receivers: [email]              # the root: the default receiver(s); it matches everything
      routes:
        - name: critical-anywhere
          matchers: [level=critical]  # =, !=, =~ (regex, full match), !~
          receivers: [ops-webhook]
          continue: true              # and keep looking at the next routes
        - matchers: [country_code=SYR]
          receivers: [slack:syria-watch]

Codes as for rules (docs/rules.md): R002 unknown key, R003 wrong type or value, R004 unknown
label, R005 unknown receiver, R006 bad pattern, R008 missing key.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from pydantic import ValidationError
from rules.located import Diagnostic, Located

from ..silences import Matcher
from .labels import KNOWN, known_label
from .tree import Route

ROUTE_KEYS = ("name", "matchers", "receivers", "continue", "routes")
MAX_DEPTH = 32


class _Parser:
    def __init__(self, doc: Located, receivers: Collection[str]):
        self.doc = doc
        self.known = set(receivers)
        self.errors: list[Diagnostic] = []

    def error(self, path: tuple, code: str, message: str) -> None:
        self.errors.append(self.doc.diag(path, code, message))

    def where(self, path: tuple) -> str:
        line, col = self.doc.where(path)
        return f"{self.doc.file}:{line}:{col}"

    def strings(self, value: object, path: tuple, key: str) -> list[tuple[int, str]]:
        if not isinstance(value, list):
            self.error(path, "R003", f"{key} must be a list of strings, e.g. [{'level=critical' if key == 'matchers' else 'email'}]")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append((i, item))
            else:
                self.error(path + (i,), "R003", f"{key}[{i}] must be a string")
        return out

    def matcher(self, text: str, path: tuple) -> Matcher | None:
        try:
            matcher = Matcher.parse(text)
        except ValidationError as exc:
            self.error(path, "R006", f"bad pattern in {text!r}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}")
            return None
        except re.error as exc:
            self.error(path, "R006", f"bad pattern in {text!r}: {exc}")
            return None
        except ValueError as exc:
            self.error(path, "R003", str(exc))
            return None
        if not known_label(matcher.label):
            self.error(path, "R004", f"unknown label {matcher.label!r} (labels: {', '.join(KNOWN)}, or an event field "
                                     "such as event_type)")
            return None
        return matcher

    def route(self, data: object, path: tuple, name: str, inherited: tuple[str, ...], depth: int) -> Route | None:
        root = depth == 0
        if not isinstance(data, dict):
            self.error(path, "R003", "a route must be a mapping (receivers, matchers, routes, ...)")
            return None
        if depth > MAX_DEPTH:
            self.error(path, "R003", f"routes nested deeper than {MAX_DEPTH} levels")
            return None
        for key in data:
            if key not in ROUTE_KEYS:
                self.error(path + (key,), "R002", f"unknown key {key!r} (route keys: {', '.join(ROUTE_KEYS)})")
        if "name" in data:
            if isinstance(data["name"], str) and data["name"].strip():
                name = data["name"].strip()
            else:
                self.error(path + ("name",), "R003", "name must be a non-empty string")
        matchers: list[Matcher] = []
        if "matchers" in data:
            if root:
                self.error(path + ("matchers",), "R003", "the root route matches every alert: it takes no matchers")
            for i, text in self.strings(data["matchers"], path + ("matchers",), "matchers"):
                found = self.matcher(text, path + ("matchers", i))
                if found is not None:
                    matchers.append(found)
        receivers = inherited
        if "receivers" in data:
            listed = self.strings(data["receivers"], path + ("receivers",), "receivers")
            for i, receiver in listed:
                if receiver not in self.known:
                    self.error(path + ("receivers", i), "R005",
                               f"unknown receiver {receiver!r} (known: {', '.join(sorted(self.known))})")
            receivers = tuple(dict.fromkeys(r for _, r in listed))
            if not receivers and isinstance(data["receivers"], list):
                self.error(path + ("receivers",), "R003", "the root route needs at least one receiver (the default)"
                           if root else "receivers must name at least one receiver (to mute alerts, add a silence)")
        elif root:
            self.error(path, "R008", "missing required key 'receivers' (the root route names the default receiver)")
        keep_going = data.get("continue", False)
        if not isinstance(keep_going, bool):
            self.error(path + ("continue",), "R003", "continue must be true or false")
            keep_going = False
        elif root and "continue" in data:
            self.error(path + ("continue",), "R003", "the root route has no siblings: continue does not apply")
        children: list[Route] = []
        if "routes" in data:
            routes = data["routes"]
            if not isinstance(routes, list):
                self.error(path + ("routes",), "R003", "routes must be a list of routes")
                routes = []
            for i, child in enumerate(routes):
                default_name = f"{'' if root else name + '.'}routes[{i}]"
                built = self.route(child, path + ("routes", i), default_name, receivers, depth + 1)
                if built is not None:
                    children.append(built)
        return Route(name=name, matchers=tuple(matchers), receivers=receivers, continue_=keep_going,
                     routes=tuple(children), where=self.where(path))


def parse_tree(doc: Located, path: tuple, receivers: Collection[str]) -> tuple[Route | None, list[Diagnostic]]:
    """The tree at `path` in `doc`, checked against the `receivers` that exist; None on any error."""
    parser = _Parser(doc, receivers)
    data = doc.data
    for key in path:
        data = data[key]
    tree = parser.route(data, path, "root", (), 0)
    if parser.errors:
        return None, parser.errors
    return tree, []
