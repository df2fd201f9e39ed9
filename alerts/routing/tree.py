"""The routing tree and the walk through it, as Alertmanager does it (pure).

Each route has matchers (all must hold), receivers and child routes. An alert enters at the
root, which matches everything and names the default receiver(s). At each route the children
are tried in order: the alert descends into the first child that matches and stops there,
unless that child says `continue: true`, in which case the next matching siblings are taken
too. A route none of whose children match is where the alert lands; its receivers (its own,
or the nearest ancestor's when it names none) get the alert. The receivers of every route the
alert lands on are joined, in order, each once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Alert
from ..silences import Matcher
from .labels import Values, alert_values


@dataclass(frozen=True)
class Route:
    """One node. `receivers` is effective (inherited when the file names none)."""

    name: str  # its `name:`, else its position such as routes[1].routes[0]
    matchers: tuple[Matcher, ...] = ()
    receivers: tuple[str, ...] = ()
    continue_: bool = False
    routes: tuple[Route, ...] = ()
    where: str = ""  # file:line:col of the route in the receivers file

    def matches(self, values: Values) -> bool:
        return all(m.holds(list(values(m.label))) for m in self.matchers)

    def describe(self) -> str:
        """`syria {country_code="SYR", level!="info"}` for explanations."""
        matchers = ", ".join(f'{m.label}{m.op}"{m.value}"' for m in self.matchers)
        return f"{self.name} {{{matchers}}}" if matchers else self.name


@dataclass(frozen=True)
class Landing:
    """A route the alert landed on, the routes leading to it, and its receivers."""

    path: tuple[Route, ...]  # root first, the landing route last
    receivers: tuple[str, ...]

    def describe(self) -> str:
        return " > ".join(route.describe() for route in self.path)


@dataclass(frozen=True)
class Routing:
    """Where an alert goes and why."""

    receivers: tuple[str, ...]
    landings: tuple[Landing, ...]


def _walk(route: Route, values: Values, above: tuple[Route, ...]) -> list[Landing]:
    path = (*above, route)
    landings: list[Landing] = []
    for child in route.routes:
        if child.matches(values):
            landings.extend(_walk(child, values, path))
            if not child.continue_:
                break
    return landings or [Landing(path, route.receivers)]


def explain(values: Values, tree: Route) -> Routing:
    """Walk `tree` for an alert with these label values: the receivers and the routes taken."""
    landings = tuple(_walk(tree, values, ()))
    receivers = tuple(dict.fromkeys(r for landing in landings for r in landing.receivers))
    return Routing(receivers, landings)


def route(alert: Alert, tree: Route | None) -> tuple[str, ...]:
    """The receivers of `alert`: the tree's choice, or the rule's `notify` without a tree."""
    if tree is None:
        return tuple(dict.fromkeys(alert.receivers))
    return explain(alert_values(alert), tree).receivers


def routed(alert: Alert, tree: Route | None) -> Alert:
    """`alert` with its receivers set by `tree` (unchanged without a tree)."""
    if tree is None:
        return alert
    return alert.model_copy(update={"receivers": route(alert, tree)})
