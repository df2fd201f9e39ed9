"""Helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from extraction.report import Report, ReportError, iter_reports_jsonl, report_from_text_file


def sub(subs, name: str, help: str, example: str) -> argparse.ArgumentParser:
    return subs.add_parser(
        name, help=help, description=help, epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def read_reports(paths: list[str]) -> Iterator[Report | ReportError]:
    """Reports from text files, JSON Lines files (.jsonl/.json) or standard input ('-')."""
    for name in paths or ["-"]:
        if name == "-":
            for _, item in iter_reports_jsonl(sys.stdin, "<stdin>"):
                yield item
            continue
        path = Path(name)
        if not path.exists():
            yield ReportError(f"{name}: no such file")
        elif path.suffix in (".jsonl", ".json", ".ndjson"):
            with path.open(encoding="utf-8", errors="strict") as handle:
                try:
                    for _, item in iter_reports_jsonl(handle, name):
                        yield item
                except UnicodeDecodeError as exc:
                    yield ReportError(f"{name}: not UTF-8: {exc.reason}")
        else:
            try:
                yield report_from_text_file(path)
            except ReportError as exc:
                yield exc
