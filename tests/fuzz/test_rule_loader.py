"""Fuzzing the rule loader: any file text, any rule-shaped document, and generated valid rules.

Properties:
- loading never raises, whatever the file holds (YAML or not, UTF-8 or not);
- every problem is a Diagnostic naming the file, a line and column inside it (both >= 1) and
  a code (R001..R008, W001/W002), with a message; nothing half-valid is kept: a rule is loaded
  only from a document without errors;
- rules generated from the documented language load with no error and keep their ids.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from rules.loader import RuleSet, load_rules
from rules.located import Diagnostic

from .strategies import json_values

CODE = re.compile(r"^(R00[1-8]|W00[12])$")

# Fragments of YAML (and of rules) that the parser and the compiler treat specially.
_FRAGMENTS = [
    "id: r1\n", "title: A rule\n", "level: high\n", "when:\n", "  event_type: ASSAULT\n", "  victims:\n",
    "    any: {rank_class: senior_officer}\n", "notify: [slack, pager]\n", "dedup: {key: [report_id]}\n",
    "window: {count: 3, within: 24h, by: [location.admin1_code]}\n", "lists:\n", "macros:\n", "  x: [a, b]\n",
    "---\n", "...\n", "- ", "{", "}", "[", "]", ": ", ", ", "&a ", "*a ", "*b ", "<<: *a\n", "? ", "|\n", ">-\n",
    "!!python/object/apply:os.system ['id'] ", "!!set ", "!!binary aGk= ", "!!str ", "!custom ", "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n", "2020-13-45 ", "0x1F ", ".nan ", "~ ", "'", '"', "\\", "\t", "  ", "\n", "#c\n",
    "\x00", "\x07", "\ufeff", "\u2028", "$list ", "{{ ''.__class__.__mro__ }}", "matches: '(a+)+$'\n",
]
yaml_texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=8), max_size=40).map("".join),
)

_RULE_KEYS = ["id", "title", "description", "level", "status", "owner", "tags", "references", "when", "unless",
              "window", "new_term", "gold", "dedup", "notify", "tests", "lists", "macros", "bogus"]
rule_like_documents = st.dictionaries(st.sampled_from(_RULE_KEYS), json_values, max_size=8)

# The documented condition language, with fields and values an event has.
_leaf_conditions = st.one_of(
    st.sampled_from(["ASSAULT", "RETREAT", "COERCE", "PROTEST"]).map(lambda t: {"event_type": t}),
    st.lists(st.sampled_from(["ASSAULT", "RETREAT", "MOBILIZE"]), min_size=1, max_size=3, unique=True)
    .map(lambda ts: {"event_type": ts}),
    st.integers(0, 500).map(lambda n: {"fatalities": {"gte": n}}),
    st.booleans().map(lambda b: {"negated": b}),
    st.sampled_from(["SY", "SY-HL", "SYR", "IQ"]).map(lambda c: {"location": {"within": c}}),
    st.tuples(st.sampled_from(["senior_officer", "officer", "civilian"]), st.sampled_from(["killed", "injured"]))
    .map(lambda p: {"victims": {"any": {"rank_class": p[0], "outcome": p[1]}}}),
    st.sampled_from(["ied", "airstrike", "drone"]).map(lambda w: {"weapon": w}),
    st.sampled_from(["Aleppo", "Homs"]).map(lambda t: {"location.admin1_name": {"contains": t}}),
)
_conditions = st.recursive(
    _leaf_conditions,
    lambda inner: st.one_of(st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
                            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
                            inner.map(lambda x: {"not": x})),
    max_leaves=6,
)
valid_rules = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z0-9][a-z0-9_.-]{1,30}", fullmatch=True),
     "title": st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
     .filter(lambda t: t.strip()),
     "level": st.sampled_from(["info", "low", "medium", "high", "critical"]),
     "when": _conditions},
    optional={"status": st.sampled_from(["experimental", "test", "stable"]),
              "tags": st.lists(st.text(st.characters(categories=("L", "N")), min_size=1, max_size=10), max_size=3),
              "unless": _leaf_conditions,
              "dedup": st.fixed_dictionaries({"key": st.just(["report_id"]), "within": st.sampled_from(["30m", "6h", "7d"])}),
              "notify": st.lists(st.sampled_from(["slack", "email"]), unique=True)},
)


def _load(content: str | bytes) -> tuple[RuleSet, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.yaml"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        ruleset = load_rules([path])
        # Lines as an editor counts them (U+2028 and U+0085 are inside a line there).
        lines = re.split(r"\r\n|\r|\n", path.read_bytes().decode("utf-8", "replace"))
        return ruleset, [str(path)] + lines


def _assert_every_problem_is_located(ruleset: RuleSet, shown: list[str]) -> None:
    file, lines = shown[0], shown[1:]
    for diagnostic in ruleset.diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.file == file
        assert 1 <= diagnostic.line <= len(lines) + 1, diagnostic
        assert diagnostic.col >= 1, diagnostic
        assert CODE.match(diagnostic.code), diagnostic
        assert diagnostic.message.strip(), diagnostic
        assert diagnostic.severity in ("error", "warning"), diagnostic


@given(yaml_texts)
@example("id: r1\ntitle: t\nlevel: low\nwhen: &w {all: [*w]}\n")
@example("a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n")
@example("id: r1\n\ttitle: t\n")
@example("\ufeffid: r1\n")
@example("id: [r1]\ntitle: {a: b}\nlevel: 3\nwhen: 7\n")
@example("- id: r1\n")
@example("[" * 5000)  # regression: PyYAML's RecursionError escaped the loader
@example("{\u2028\u2028")  # regression: YAML counts U+2028 as a line break, editors do not
@example("title: '\x85'\nid: [1]\n")
def test_any_text_gives_rules_or_located_diagnostics(text: str):
    ruleset, shown = _load(text)
    _assert_every_problem_is_located(ruleset, shown)


@given(st.binary(max_size=200))
@example(b"id: r1\ntitle: \xff\xfe\n")
def test_any_bytes_give_rules_or_located_diagnostics(raw: bytes):
    ruleset, shown = _load(raw)
    _assert_every_problem_is_located(ruleset, shown)


@given(st.lists(rule_like_documents, min_size=1, max_size=3))
@example([{"id": [["\x85"]], "title": None, "description": "\x85", "level": "\x85"}])  # regression: NEL
def test_rule_shaped_documents_give_rules_or_located_diagnostics(documents: list[dict]):
    ruleset, shown = _load(yaml.safe_dump_all(documents, allow_unicode=True))
    _assert_every_problem_is_located(ruleset, shown)
    if len(documents) == 1 and ruleset.errors:
        assert ruleset.rules == [], "nothing half-valid is kept"


@given(st.lists(valid_rules, min_size=1, max_size=3, unique_by=lambda r: r["id"]))
def test_rules_written_in_the_documented_language_load(rules: list[dict]):
    ruleset, _ = _load(yaml.safe_dump_all(rules, allow_unicode=True, sort_keys=False))
    assert ruleset.errors == []
    assert [rule.id for rule in ruleset.rules] == [rule["id"] for rule in rules]
