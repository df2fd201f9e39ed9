"""Text for people: the tree as a tree, and where one alert goes and why (pure)."""

from __future__ import annotations

from .tree import Route, Routing

NO_TREE = "(no routing tree: the rule's notify decides)"


def _line(route: Route) -> str:
    flags = "  continue" if route.continue_ else ""
    return f"{route.describe()}  -> {', '.join(route.receivers)}{flags}  ({route.where})"


def render_tree(tree: Route) -> str:
    """One line per route, children indented under their parent, in the order they are tried."""
    lines = [_line(tree)]

    def walk(route: Route, indent: str) -> None:
        for i, child in enumerate(route.routes):
            last = i == len(route.routes) - 1
            lines.append(f"{indent}{'└── ' if last else '├── '}{_line(child)}")
            walk(child, indent + ("    " if last else "│   "))

    walk(tree, "")
    return "\n".join(lines) + "\n"


def render_routing(routing: Routing | None, notify: tuple[str, ...] = ()) -> str:
    """`receivers: a, b` then each route the alert landed on; without a tree, the notify list."""
    if routing is None:
        return f"receivers: {', '.join(notify) or '(none)'}\n  {NO_TREE}\n"
    lines = [f"receivers: {', '.join(routing.receivers) or '(none)'}"]
    lines += [f"  {landing.describe()}  -> {', '.join(landing.receivers)}" for landing in routing.landings]
    return "\n".join(lines) + "\n"
