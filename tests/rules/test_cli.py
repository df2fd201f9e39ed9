"""`watchfloor rules check` as users run it: text and JSON output, the default pack."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import REPO


def test_json_format_lists_every_diagnostic(cli):
    code, out, _ = cli("rules", "check", "tests/rules/invalid/three-mistakes.yaml", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert report["ok"] is False
    assert report["rules"] == 0
    assert len(report["version"]) == 12
    assert [(d["line"], d["col"], d["code"], d["severity"]) for d in report["diagnostics"]] == [
        (5, 1, "R002", "error"), (8, 3, "R004", "error"), (9, 17, "R005", "error"),
    ]
    assert all(d["file"] == "tests/rules/invalid/three-mistakes.yaml" for d in report["diagnostics"])
    assert report["diagnostics"][2]["message"] == "unknown receiver 'pager' (known: email, slack)"


def test_json_format_warnings_only_is_ok(cli):
    code, out, _ = cli("rules", "check", "rules/default", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["diagnostics"] == []
    assert report["rules"] >= 10


def test_default_pack_checks_clean_in_a_subprocess():
    result = subprocess.run([sys.executable, "-m", "streams.cli", "rules", "check"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_default_pack_json_in_a_subprocess():
    result = subprocess.run([sys.executable, "-m", "streams.cli", "rules", "check", "--format", "json"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["diagnostics"] == []
