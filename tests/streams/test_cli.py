"""The `watchfloor` command as a whole: help with an example everywhere, progress bars on long jobs."""

from __future__ import annotations

import argparse
import io
import os
import stat
from pathlib import Path

import pytest

from streams.broker import fetch_jars
from streams.cli import build_parser, main
from streams.cli.progress import Progress, wanted

# Jobs that can take more than a few seconds: each carries --no-progress.
LONG_JOBS = [["eval", "acled"], ["eval", "case"], ["train"], ["backtest"], ["extract"], ["ingest"],
             ["rules"], ["broker"], ["demo"]]


def _commands(parser: argparse.ArgumentParser, prefix: list[str]) -> list[list[str]]:
    """Every command path, sub-commands of sub-commands included."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.append(prefix + [name])
                found += _commands(child, prefix + [name])
    return found


COMMANDS = _commands(build_parser(), [])


def test_every_command_is_listed():
    names = {tuple(c) for c in COMMANDS}
    assert {("worker",), ("broker",), ("ingest",), ("extract",), ("eval",), ("rules",), ("backtest",),
            ("silence",), ("demo",), ("config",)} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_an_example(command, capsys):
    with pytest.raises(SystemExit) as done:
        main(command + ["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "usage: watchfloor " + " ".join(command) in out
    assert "example:" in out


@pytest.mark.parametrize("command", LONG_JOBS, ids=" ".join)
def test_long_jobs_can_turn_their_bar_off(command, capsys):
    with pytest.raises(SystemExit):
        main(command + ["--help"])
    assert "--no-progress" in capsys.readouterr().out


class Terminal(io.StringIO):
    """Standard error as a terminal would be."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("no_progress, stream, expected", [
    (False, Terminal(), True),
    (True, Terminal(), False),
    (False, io.StringIO(), False),  # piped or redirected: no bar in the log
])
def test_bar_only_on_a_terminal_unless_turned_off(no_progress, stream, expected):
    assert wanted(argparse.Namespace(no_progress=no_progress), stream) is expected


def test_bar_counts_to_its_total_and_keeps_lines_whole():
    stream, out = Terminal(), io.StringIO()
    with Progress(True, "extracting", total=3, stream=stream, delay=0) as bar:
        bar.update(2)
        bar.write("refused: bad.jsonl:2: no text")
        bar.write("PASS rule test 1", out)
        bar.update(1)
    drawn = stream.getvalue()
    assert "extracting:" in drawn and "0/3" in drawn
    assert "refused: bad.jsonl:2: no text\n" in drawn
    assert out.getvalue() == "PASS rule test 1\n"
    assert bar.done == 3


def test_disabled_bar_draws_nothing_but_still_writes_lines():
    stream = Terminal()
    with Progress(False, "extracting", total=3, stream=stream, delay=0) as bar:
        bar.update(3)
        bar.write("refused: x")
    assert stream.getvalue() == "refused: x\n"


def _fake_mvn(folder: Path, body: str) -> None:
    mvn = folder / "mvn"
    mvn.write_text("#!/bin/sh\n" + body)
    mvn.chmod(mvn.stat().st_mode | stat.S_IEXEC)


def test_fetch_reports_each_maven_line_and_keeps_the_jars(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A stand-in Maven: prints what Maven prints, writes a jar where it is told to.
    _fake_mvn(bin_dir, 'for a in "$@"; do case "$a" in -DoutputDirectory=*) out="${a#-DoutputDirectory=}";; esac; done\n'
                       'echo "Downloading from central: https://repo/kafka.jar"\n'
                       'echo "Downloaded from central: https://repo/kafka.jar (1 MB)"\n'
                       'mkdir -p "$out" && touch "$out/kafka.jar"\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    lines: list[str] = []
    libs = fetch_jars(tmp_path / "cache", on_line=lines.append)
    assert (libs / "kafka.jar").exists()
    assert lines == ["Downloading from central: https://repo/kafka.jar",
                     "Downloaded from central: https://repo/kafka.jar (1 MB)"]
    assert fetch_jars(tmp_path / "cache", on_line=lines.append) == libs  # cached: Maven not run again
    assert len(lines) == 2


def test_failed_fetch_quotes_mavens_output(tmp_path, monkeypatch):
    from streams.broker import BrokerError

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake_mvn(bin_dir, 'echo "[ERROR] Could not resolve org.apache.kafka:kafka_2.13"\nexit 1\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(BrokerError, match="(?s)exit 1.*Could not resolve org.apache.kafka"):
        fetch_jars(tmp_path / "cache")


def test_extract_writes_events_in_batches_and_refuses_bad_lines(tmp_path, capsys):
    import json

    seed = Path(__file__).resolve().parents[2] / "samples" / "000_59a2029cee1cc623.txt"
    lines = tmp_path / "reports.jsonl"
    lines.write_text(json.dumps({"id": "r-1", "text": "Gunmen killed two policemen in Kandahar city on Monday.",
                                 "published_at": "2020-03-03T08:00:00Z"}) + "\n"
                     + '{"id": "r-2"}\n', encoding="utf-8")
    code = main(["extract", "--batch-size", "1", "--no-progress", str(seed), str(lines)])
    out, err = capsys.readouterr()
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 1  # one report refused
    assert "refused:" in err and "reports.jsonl:2" in err
    by_report = {e["report_id"] for e in events}
    assert by_report == {"000_59a2029cee1cc623", "r-1"}
    assert len([e for e in events if e["report_id"] == "000_59a2029cee1cc623"]) >= 4  # the seed's incidents
