"""The routing tree: where an alert goes and through which routes (table-driven)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.receivers import load_receivers
from alerts.routing import alert_values, explain, given_values, route, routed
from alerts.routing.tree import Route
from alerts.silences import Matcher
from tests import factories as f

DESK = Path(__file__).parent / "routing_files" / "desk.yaml"


@pytest.fixture(scope="module")
def tree() -> Route:
    config = load_receivers(DESK, env={"SLACK_TOKEN_OPS": "xoxb-test"})
    assert not config.diagnostics, config.diagnostics
    assert config.tree is not None
    return config.tree


# labels, expected receivers (in order), the names of the routes the alert lands on
CASES = [
    ("nothing matches: the root's default",
     {"level": "medium", "country_code": "IRQ"}, ("email",), ["root"]),
    ("critical pages; continue finds nothing else, and the root is not a fallback (as in Alertmanager)",
     {"level": "critical", "country_code": "IRQ"}, ("pager",), ["critical"]),
    ("critical, military, Aleppo: three routes",
     {"level": "critical", "tags": ["military", "leadership"], "country_code": "SYR", "admin1_code": "SY-HL"},
     ("pager", "archive", "slack:syria-watch", "email:north"), ["north", "critical", "archive-military"]),
    ("Syria outside the north: the syria route's own receiver",
     {"level": "high", "country_code": "SYR", "admin1_code": "SY-DI", "notify": ["slack", "email"]},
     ("slack:syria-watch",), ["syria"]),
    ("a child without receivers inherits its parent's",
     {"level": "high", "country_code": "SYR", "admin1_code": "SY-DI", "notify": ["email"]},
     ("slack:syria-watch",), ["not-notified"]),
    ("negated regex: military at level low is not archived",
     {"level": "low", "tags": ["military"], "country_code": "IRQ"}, ("email",), ["root"]),
    ("the first matching sibling without continue stops the search",
     {"level": "medium", "country_code": "SYR", "admin1_code": "SY-RA", "rule_id": "group-withdraws"},
     ("slack:syria-watch", "email:north"), ["north"]),
    ("rule id equality",
     {"level": "medium", "rule_id": "group-withdraws"}, ("slack",), ["withdrawals"]),
    ("regex is a full match: SY-HLX is not SY-HL",
     {"level": "medium", "country_code": "SYR", "admin1_code": "SY-HLX", "notify": ["slack"]},
     ("slack:syria-watch",), ["syria"]),
    ("a label that is absent: equality fails, negation holds",
     {"level": "high", "country_code": "SYR"}, ("slack:syria-watch",), ["not-notified"]),
]


@pytest.mark.parametrize(("labels", "receivers", "landed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_routing_table(tree: Route, labels, receivers, landed) -> None:
    routing = explain(given_values(labels), tree)
    assert routing.receivers == receivers
    assert sorted(landing.path[-1].name for landing in routing.landings) == sorted(landed)
    for landing in routing.landings:
        assert landing.path[0] is tree  # every path starts at the root


def test_the_path_names_each_route_from_the_root(tree: Route) -> None:
    routing = explain(given_values({"country_code": "SYR", "admin1_code": "SY-HL"}), tree)
    [landing] = routing.landings
    assert [r.name for r in landing.path] == ["root", "syria", "north"]
    assert landing.describe() == 'root > syria {country_code="SYR"} > north {admin1_code=~"SY-(HL|RA)"}'
    assert landing.path[-1].where.endswith("desk.yaml:34:11")


def test_an_alerts_labels_come_from_the_alert_and_its_event(tree: Route) -> None:
    alert = f.seed_alert()  # critical, military, Maskanah in SY-HL, notify slack:syria-watch + email:duty-officers
    values = alert_values(alert)
    assert values("level") == ("critical",)
    assert values("tags") == ("military", "leadership")
    assert values("country_code") == ("SYR",) and values("admin1_code") == ("SY-HL",)
    assert values("notify") == ("slack:syria-watch", "email:duty-officers")
    assert values("event_type") == ("ASSAULT",)
    assert route(alert, tree) == ("pager", "archive", "slack:syria-watch", "email:north")


def test_without_a_tree_the_rules_notify_decides() -> None:
    alert = f.seed_alert(receivers=("slack", "email", "slack"))
    assert route(alert, None) == ("slack", "email")
    assert routed(alert, None) is alert


def test_routed_replaces_only_the_receivers(tree: Route) -> None:
    alert = f.seed_alert(level="medium", tags=())
    out = routed(alert, tree)
    assert out.receivers == ("slack:syria-watch", "email:north")
    assert out.model_dump(exclude={"receivers"}) == alert.model_dump(exclude={"receivers"})


def test_an_event_without_location_falls_through_location_routes(tree: Route) -> None:
    alert = f.seed_alert(event=f.seed_event(location=None), level="medium", tags=())
    assert route(alert, tree) == ("email",)


def test_route_continue_collects_every_matching_sibling_once() -> None:
    def leaf(name: str, receivers: tuple[str, ...], cont: bool, matcher: str = "level=high") -> Route:
        return Route(name, (Matcher.parse(matcher),), receivers, cont)

    tree = Route("root", receivers=("email",), routes=(
        leaf("a", ("x", "y"), True), leaf("b", ("y",), True), leaf("c", ("z",), False), leaf("d", ("never",), False),
    ))
    routing = explain(given_values({"level": "high"}), tree)
    assert routing.receivers == ("x", "y", "z")
    assert [landing.path[-1].name for landing in routing.landings] == ["a", "b", "c"]
