"""Progress bars for the commands whose jobs take more than a few seconds (tqdm, on stderr).

One class serves every command, so bars look and behave the same everywhere: they go to
standard error (standard output stays clean for JSON Lines and pipes), they only appear when
standard error is a terminal and `--no-progress` was not given, and a bar that would finish
within `delay` seconds never appears at all.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO

from tqdm import tqdm

DELAY_S = 2.0  # jobs quicker than this show no bar


def add_option(parser: argparse.ArgumentParser) -> None:
    """The `--no-progress` option every long-running command carries."""
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar on standard error (bars only show on a terminal anyway)")


def wanted(args: argparse.Namespace, stream: IO[str] | None = None) -> bool:
    """A bar is drawn unless --no-progress was given or standard error is not a terminal."""
    stream = stream or sys.stderr
    return not getattr(args, "no_progress", False) and stream.isatty()


class Progress:
    """A bar counting `unit`s done out of an optional total; a no-op when not `enabled`.

        with Progress(wanted(args), "extracting", total=len(reports)) as bar:
            for chunk in chunks:
                ...
                bar.update(len(chunk))
    """

    def __init__(self, enabled: bool, label: str, total: int | None = None, unit: str = "report",
                 stream: IO[str] | None = None, delay: float = DELAY_S):
        self.enabled, self.label, self.unit = enabled, label, unit
        self.stream, self.delay = stream, delay
        self.done = 0
        self.bar: tqdm | None = None
        if total is not None:
            self.start(total)

    def start(self, total: int | None = None) -> None:
        """Draw the bar (again, for a new total); counting restarts at 0."""
        self.close()
        self.done = 0
        if self.enabled:
            self.bar = tqdm(total=total, desc=self.label, unit=self.unit, file=self.stream or sys.stderr,
                            dynamic_ncols=True, delay=self.delay, leave=False)

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)

    def status(self, text: str) -> None:
        """A short note after the bar (e.g. how many messages still wait)."""
        if self.bar is not None:
            self.bar.set_postfix_str(text, refresh=True)

    def write(self, line: str, file: IO[str] | None = None) -> None:
        """A line (on standard error unless `file` is given) that does not tear the bar."""
        file = file or self.stream or sys.stderr
        if self.bar is not None:
            self.bar.write(line, file=file)
        else:
            print(line, file=file, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> "Progress":
        if self.bar is None and self.enabled:
            self.start(None)
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
