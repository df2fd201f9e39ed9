"""`watchfloor rules check` on invalid rule files: the exact output, kept in golden files.

Each tests/rules/invalid/<name>.yaml has tests/rules/golden/<name>.txt holding the lines the
command prints (standard output). A fixture whose first line is `# check-with: PATH ...` is
checked together with those paths (e.g. the default pack, for duplicate ids across files).
Regenerate with WATCHFLOOR_UPDATE_GOLDEN=1 and review the diff: every line/column in the golden
files was checked by hand against its fixture.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import HERE, REPO, UPDATE_GOLDEN

INVALID = sorted((HERE / "invalid").glob("*.yaml"))
LINE = re.compile(r"^(?:warning: )?(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+) (?P<code>[RW]\d{3}) \S")


def _companions(fixture: Path) -> list[str]:
    first = fixture.read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("# check-with:").split() if first.startswith("# check-with:") else []


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_rule_file_matches_golden(fixture: Path, cli):
    shown = str(fixture.relative_to(REPO))
    code, out, err = cli("rules", "check", *_companions(fixture), shown)
    golden = HERE / "golden" / f"{fixture.stem}.txt"
    if UPDATE_GOLDEN:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run with WATCHFLOOR_UPDATE_GOLDEN=1"
    assert out == golden.read_text(encoding="utf-8"), f"output differs from {golden}"
    lines = out.splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    errors = [line for line in lines if not line.startswith("warning: ")]
    assert code == (1 if errors else 0)
    assert f"{len(errors)} error(s)" in err


def test_every_golden_file_has_a_fixture():
    assert {p.stem for p in (HERE / "golden").glob("*.txt")} == {p.stem for p in INVALID}


def test_three_planted_mistakes_give_exactly_three_located_lines(cli):
    code, out, _ = cli("rules", "check", "tests/rules/invalid/three-mistakes.yaml")
    lines = out.splitlines()
    assert code == 1
    assert [(m["line"], m["col"], m["code"]) for m in map(LINE.match, lines)] == [
        ("5", "1", "R002"),   # severity: critical      (unknown key)
        ("8", "3", "R004"),   #   victim: {...}         (unknown event field)
        ("9", "17", "R005"),  # notify: [slack, pager]  (unknown receiver, column of `pager`)
    ]


def test_python_object_tag_is_refused_and_never_run(cli, tmp_path: Path):
    marker = tmp_path / "pwned"
    rule = tmp_path / "tag.yaml"
    rule.write_text(f'id: tag\ntitle: t\nlevel: low\nwhen: !!python/object/apply:os.system ["touch {marker}"]\n')
    code, out, _ = cli("rules", "check", str(rule))
    assert code == 1
    assert out.count(" R001 ") == 1 and "python/object/apply:os.system" in out
    assert not marker.exists()


def test_duplicate_ids_across_files_point_at_the_second(cli):
    code, out, _ = cli("rules", "check", "rules/default", "tests/rules/invalid/duplicate-id.yaml")
    assert code == 1
    assert out.splitlines() == [
        "tests/rules/invalid/duplicate-id.yaml:3:1 R007 duplicate rule id 'senior-officer-killed' "
        "(first in rules/default/senior-officer-killed.yaml:1)"
    ]
