"""Routing: which receivers an alert goes to, decided by a tree of matchers (pure)."""

from alerts.routing.labels import alert_values, given_values, known_label
from alerts.routing.parse import parse_tree
from alerts.routing.tree import Landing, Route, Routing, explain, route, routed

__all__ = [
    "Landing", "Route", "Routing", "alert_values", "explain", "given_values", "known_label", "parse_tree",
    "route", "routed",
]
