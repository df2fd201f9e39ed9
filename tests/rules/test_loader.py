"""The loader: safe YAML with positions, every error at once, nothing half-valid kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.loader import load_rules
from rules.located import load_documents

HEADER = "id: r1\ntitle: A rule\nlevel: low\n"


def codes(ruleset) -> list[tuple[int, int, str]]:
    return [(d.line, d.col, d.code) for d in ruleset.diagnostics]


YAML_CASES = [
    ("syntax", HEADER + "when: {event_type: ASSAULT\n", "R001"),
    ("object-tag-sequence", HEADER + 'when: !!python/object/apply:os.system ["id"]\n', "R001"),
    ("object-tag-mapping", HEADER + "when: !!python/object:collections.OrderedDict {}\n", "R001"),
    ("object-tag-scalar", HEADER + "when: {event_type: !!python/name:os.system ''}\n", "R001"),
    ("set-tag", HEADER + "when: {event_type: ASSAULT}\ntags: !!set {a: null}\n", "R001"),
    ("binary-tag", HEADER + "when: {event_type: !!binary aGk=}\n", "R001"),
    ("control-character", HEADER + "when: {event_type: ASS\x07AULT}\n", "R001"),
    ("recursive-alias", HEADER + "when: &w {all: [*w]}\n", "R001"),
    ("merge-key", HEADER + "base: &b {event_type: ASSAULT}\nwhen: {<<: *b}\n", "R001"),
    ("bad-timestamp", HEADER + "when: {date: {gte: 2020-13-45}}\n", "R001"),
]


@pytest.mark.parametrize("text, code", [c[1:] for c in YAML_CASES], ids=[c[0] for c in YAML_CASES])
def test_unsafe_or_broken_yaml_is_refused_with_one_located_error(text, code, write_rule):
    ruleset = load_rules([write_rule("r.yaml", text)])
    assert ruleset.rules == []
    assert [d.code for d in ruleset.errors if d.code == code] == [code], ruleset.diagnostics


def test_alias_bomb_is_refused(write_rule):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    ruleset = load_rules([write_rule("bomb.yaml", "\n".join(lines) + "\n")])
    assert any(d.code == "R001" and "too large" in d.message for d in ruleset.errors)


def test_positions_are_one_based_line_and_column(tmp_path: Path):
    path = tmp_path / "r.yaml"
    path.write_text("id: r1\nwhen:\n  victims: {any: {rank: General}}\n")
    (doc,), errors = load_documents(path)
    assert errors == []
    assert doc.where(("when", "victims")) == (3, 3)
    assert doc.where(("when", "victims", "any", "rank")) == (3, 19)
    assert doc.where(("when", "nothing", "here")) == (2, 1)  # nearest written ancestor


VALIDATION_CASES = [
    ("window-by-unknown", "when: {event_type: ASSAULT}\nwindow: {count: 3, within: 24h, by: [location.province]}\n",
     [(5, 38, "R004")]),
    ("window-by-object", "when: {event_type: ASSAULT}\nwindow: {count: 3, within: 24h, by: [location]}\n",
     [(5, 38, "R003")]),
    ("window-missing-count", "when: {event_type: ASSAULT}\nwindow: {within: 24h}\n", [(5, 1, "R008")]),
    ("window-unknown-key", "when: {event_type: ASSAULT}\nwindow: {count: 3, within: 24h, per: x}\n", [(5, 33, "R002")]),
    ("window-zero-period", "when: {event_type: ASSAULT}\nwindow: {count: 3, within: 0h}\n", [(5, 20, "R003")]),
    ("new-term-unknown-field", "when: {event_type: ASSAULT}\nnew_term:\n  fields: [actors.nmae]\n  within: 30d\n",
     [(6, 12, "R004")]),
    ("new-term-no-fields", "when: {event_type: ASSAULT}\nnew_term: {fields: [], within: 30d}\n", [(5, 12, "R003")]),
    ("window-and-new-term", "when: {event_type: ASSAULT}\nwindow: {count: 3, within: 1d}\n"
     "new_term: {fields: [actors.name], within: 30d}\n", [(6, 1, "R003")]),
    ("dedup-key-unknown", "when: {event_type: ASSAULT}\ndedup: {key: [location.admin2_code]}\n", [(5, 15, "R004")]),
    ("test-fields-unknown", "when: {event_type: ASSAULT}\ntests:\n  - text: x\n    expect: fire\n"
     "    fields: {fatality: 3}\n", [(8, 14, "R004")]),
    ("test-without-text", "when: {event_type: ASSAULT}\ntests:\n  - expect: fire\n", [(6, 5, "R003")]),
    ("missing-when-is-one-error", "", [(1, 1, "R008")]),
    ("notify-not-a-list", "when: {event_type: ASSAULT}\nnotify: slack\n", [(5, 1, "R003")]),
    ("gold-unknown-field", "when: {event_type: ASSAULT}\ngold: {acled_subtype: Attack}\n", [(5, 8, "R004")]),
]


@pytest.mark.parametrize("body, expected", [c[1:] for c in VALIDATION_CASES], ids=[c[0] for c in VALIDATION_CASES])
def test_rule_validation(body, expected, write_rule):
    ruleset = load_rules([write_rule("r.yaml", HEADER + body)])
    assert codes(ruleset) == expected, ruleset.diagnostics
    assert ruleset.rules == []


def test_valid_window_and_new_term_rules_load(write_rule):
    text = (HEADER + "when: {event_type: ASSAULT}\nwindow: {count: 3, within: 24h, by: [location.admin1_code, actors.name]}\n"
            "---\nid: r2\ntitle: t\nlevel: low\nwhen: {event_type: ASSAULT}\n"
            "new_term: {fields: [victims.rank, location.admin1_code], within: 4w}\n")
    ruleset = load_rules([write_rule("r.yaml", text)])
    assert ruleset.diagnostics == []
    assert [r.stateful for r in ruleset.rules] == [True, True]


def test_every_error_at_once_and_the_good_rule_is_kept(write_rule):
    good = HEADER + "when: {event_type: ASSAULT}\n"
    bad = "id: r2\ntitle: t\nlevel: low\nwhen: {fatalitys: 1, event_mode: {bogus: 1}}\nnotify: [pager]\n"
    ruleset = load_rules([write_rule("a.yaml", good), write_rule("b.yaml", bad)])
    assert [r.id for r in ruleset.rules] == ["r1"]
    assert [(d.file.rsplit("/", 1)[-1], d.code) for d in ruleset.errors] == [("b.yaml", "R004"), ("b.yaml", "R002"), ("b.yaml", "R005")]


def test_a_rule_with_a_yaml_level_error_is_not_kept(write_rule):
    ruleset = load_rules([write_rule("r.yaml", HEADER + "when: {event_type: ASSAULT}\ndescription: x\ndescription: y\n")])
    assert codes(ruleset) == [(6, 1, "R007")] and ruleset.rules == []


def test_library_lists_and_macros_across_files(write_rule):
    library = write_rule("_lib.yaml", "lists:\n  bombs: [ied, vbied]\nmacros:\n  fact: {negated: false}\n")
    rule = write_rule("r.yaml", HEADER + "when: {weapon: $bombs, all: [fact]}\n")
    ruleset = load_rules([library, rule])
    assert ruleset.diagnostics == [] and [r.id for r in ruleset.rules] == ["r1"]


@pytest.mark.parametrize("text, expected", [
    ("lists: [a, b]\n", [(1, 1, "R003")]),
    ("lists:\n  a: [x]\n---\nlists:\n  a: [y]\n", [(2, 3, "W001"), (5, 3, "R007")]),
    ("macros:\n  m: {negated: false}\n---\nmacros:\n  m: {hedged: false}\n", [(2, 3, "W002"), (5, 3, "R007")]),
    ("lists: {a: [x]}\nextra: 1\n", [(2, 1, "R002")]),
    ("just: text\n", [(1, 1, "R008")]),
], ids=["lists-not-mapping", "list-twice", "macro-twice", "library-extra-key", "neither-rule-nor-library"])
def test_library_documents(text, expected, write_rule):
    assert codes(load_rules([write_rule("lib.yaml", text)])) == expected


def test_matches_keep_rule_set_order(write_rule):
    from rules.engine import matching_rules
    from tests.factories import seed_event

    text = (HEADER.replace("r1", "a-any") + "when: {fatalities: {gte: 1}}\n---\n"
            + HEADER.replace("r1", "b-typed") + "when: {event_type: [ASSAULT, COERCE]}\n---\n"
            + HEADER.replace("r1", "c-any") + "when: {negated: false}\n")
    ruleset = load_rules([write_rule("r.yaml", text)])
    assault = seed_event(event_type="ASSAULT", fatalities=3, negated=False)
    protest = seed_event(event_type="PROTEST", fatalities=3, negated=False)
    assert [r.id for r in matching_rules(ruleset, assault)] == ["a-any", "b-typed", "c-any"]
    assert [r.id for r in matching_rules(ruleset, protest)] == ["a-any", "c-any"]


def test_version_changes_with_content(write_rule):
    path = write_rule("r.yaml", HEADER + "when: {event_type: ASSAULT}\n")
    first = load_rules([path]).version
    path.write_text(HEADER + "when: {event_type: COERCE}\n")
    assert load_rules([path]).version != first
