"""Fetch the jars of a one-node Apache Kafka broker from Maven Central into a local cache.

The jars come from ``pom.xml`` next to this module via Maven's dependency plugin; they are
cached under ``<cache>/kafka-<version>/libs`` so that every later start is offline.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.resources
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

KAFKA_VERSION = "4.0.2"
# Pinned: Maven 3.8.x otherwise resolves maven-dependency-plugin 2.8 (GUIDE section 6).
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
MVN_TIMEOUT_S = 900
MARKER_NAME = ".fetched"


class BrokerError(RuntimeError):
    """Fetching, starting or stopping the local Kafka broker failed."""


def default_cache_dir() -> Path:
    """Return ``$WATCHFLOOR_CACHE_DIR`` if set, else ``~/.cache/watchfloor``."""
    env = os.environ.get("WATCHFLOOR_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "watchfloor"


def libs_dir(cache_dir: Path | None = None) -> Path:
    """Return where :func:`fetch_jars` puts the jars (whether or not they are there yet)."""
    return (cache_dir or default_cache_dir()) / f"kafka-{KAFKA_VERSION}" / "libs"


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@contextmanager
def _pom_path() -> Iterator[Path]:
    # as_file() gives mvn a real path even if the package is ever imported from a zip.
    resource = importlib.resources.files("streams.broker").joinpath("pom.xml")
    with importlib.resources.as_file(resource) as path:
        yield Path(path)


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    # Two test sessions may fetch at once; the second waits and then finds the marker.
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def fetch_jars(cache_dir: Path | None = None, on_line: Callable[[str], None] | None = None) -> Path:
    """Make sure the broker's jars are cached and return the ``libs`` directory holding them.

    ``on_line`` receives each line Maven prints while fetching (a progress bar counts them).

    Idempotent: a marker (holding the pom's hash) is written only after a complete copy, so
    an interrupted or failed fetch is redone next time, and so is one made from another pom.
    Raises :class:`BrokerError` with the tail of Maven's output if ``mvn`` is missing or fails.
    """
    libs = libs_dir(cache_dir)
    marker = libs.parent / MARKER_NAME
    with _pom_path() as pom:
        pom_hash = hashlib.sha256(pom.read_bytes()).hexdigest()
        if _is_complete(libs, marker, pom_hash):
            return libs
        with _locked(libs.parent / ".fetch.lock"):
            if _is_complete(libs, marker, pom_hash):
                return libs
            _run_mvn(pom, libs, marker, on_line or (lambda _line: None))
            marker.write_text(pom_hash + "\n")
    return libs


def _is_complete(libs: Path, marker: Path, pom_hash: str) -> bool:
    try:
        return marker.read_text().strip() == pom_hash and any(libs.glob("*.jar"))
    except OSError:
        return False


def _run_mvn(pom: Path, libs: Path, marker: Path, on_line: Callable[[str], None]) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError(
            "Maven ('mvn') is not on PATH; it is needed once to fetch the Kafka broker jars "
            f"into {libs} (install it, e.g. 'apt-get install maven')."
        )
    marker.unlink(missing_ok=True)
    # Copy into a fresh staging dir and swap it in, so a half-copied libs dir is never used.
    staging = libs.with_name(f"libs.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    cmd = [
        mvn, "-B", "-f", str(pom), f"{DEPENDENCY_PLUGIN}:copy-dependencies",
        f"-DoutputDirectory={staging}", "-DincludeScope=runtime",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # Maven is read line by line (for on_line); the timer ends a Maven that hangs.
    timer = threading.Timer(MVN_TIMEOUT_S, proc.kill)
    timer.start()
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            on_line(line.rstrip("\n"))
        proc.wait()
    finally:
        timed_out = not timer.is_alive()
        timer.cancel()
    output = "".join(lines)
    if timed_out:
        shutil.rmtree(staging, ignore_errors=True)
        raise BrokerError(f"mvn timed out after {MVN_TIMEOUT_S}s:\n{_tail(output)}")
    if proc.returncode != 0 or not any(staging.glob("*.jar")):
        shutil.rmtree(staging, ignore_errors=True)
        raise BrokerError(
            f"fetching the Kafka jars failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            f"{_tail(output) or '(no output)'}"
        )
    shutil.rmtree(libs, ignore_errors=True)
    staging.rename(libs)
