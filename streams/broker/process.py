"""Run a one-node Apache Kafka broker (KRaft, broker+controller) as a detached local process.

Everything a broker needs lives in its state dir: ``server.properties``, the KRaft log dir
``kraft-logs/``, ``broker.log`` (the JVM's stdout and stderr) and ``broker.pid``.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

from .fetch import BrokerError, default_cache_dir, fetch_jars

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9092
DEFAULT_CONTROLLER_PORT = 9093


@dataclass(frozen=True)
class BrokerStatus:
    """Whether the broker of a state dir is running, its pid, and its bootstrap address."""

    running: bool
    pid: int | None
    bootstrap: str


def free_port(host: str = DEFAULT_HOST) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now."""
    return free_ports(1, host)[0]


def free_ports(count: int, host: str = DEFAULT_HOST) -> list[int]:
    """Return ``count`` distinct free TCP ports on ``host``."""
    # All sockets stay bound until every port is chosen, so the kernel cannot repeat one.
    with ExitStack() as stack:
        socks = [stack.enter_context(socket.socket(_family(host))) for _ in range(count)]
        for sock in socks:
            sock.bind((host, 0))
        return [sock.getsockname()[1] for sock in socks]


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def _ensure_port_free(host: str, port: int, role: str) -> None:
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        # Kafka binds with SO_REUSEADDR too: a port in TIME_WAIT is usable, a listener is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise BrokerError(
                f"cannot start Kafka: {role} port {host}:{port} is already in use "
                f"({exc.strerror or exc}); stop whatever holds port {port} or choose another"
            ) from exc


def _tail_file(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace").strip()
    except OSError:
        text = ""
    return "\n".join(text.splitlines()[-lines:]) or "(broker.log is empty or missing)"


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path(f"/proc/{pid}")
    if not proc.is_dir():  # no procfs (macOS): signal 0 is all we can check
        return True
    try:
        # A recycled pid belongs to some other program; an unreaped child is a zombie.
        if b"kafka.Kafka" not in (proc / "cmdline").read_bytes():
            return False
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class KafkaBroker:
    """A local single-node Kafka broker whose files live in ``state_dir``.

    ``state_dir`` defaults to ``<cache>/broker-<port>``; ``libs`` to the jars from
    :func:`fetch_jars` (fetched on first :meth:`start`).
    """

    def __init__(self, state_dir: Path | str | None = None, *, host: str = DEFAULT_HOST,
                 port: int = DEFAULT_PORT, controller_port: int = DEFAULT_CONTROLLER_PORT,
                 num_partitions: int = 2, libs: Path | str | None = None,
                 java: str = "java", heap: str = "512m") -> None:
        if port == controller_port:
            raise ValueError("port and controller_port must differ")
        self.host, self.port, self.controller_port = host, port, controller_port
        self.num_partitions, self.java, self.heap = num_partitions, java, heap
        self.libs = Path(libs).resolve() if libs else None
        self.state_dir = Path(state_dir or default_cache_dir() / f"broker-{port}").resolve()
        self.properties_path = self.state_dir / "server.properties"
        self.data_dir = self.state_dir / "kraft-logs"
        self.log_path = self.state_dir / "broker.log"
        self.pid_path = self.state_dir / "broker.pid"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        """``host:port`` for clients' ``bootstrap_servers``."""
        return f"{self.host}:{self.port}"

    def server_properties(self) -> str:
        """Return the text of ``server.properties`` for this broker (GUIDE section 6)."""
        h, port, cport = self.host, self.port, self.controller_port
        # One node: every internal topic must fit on one replica. Kafka has no
        # offsets.topic.min.isr; the offsets topic takes min.insync.replicas.
        # group.initial.rebalance.delay.ms=0: tests join groups constantly (default 3 s).
        return f"""\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{h}:{cport}
listeners=PLAINTEXT://{h}:{port},CONTROLLER://{h}:{cport}
advertised.listeners=PLAINTEXT://{h}:{port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={self.data_dir}
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions={self.num_partitions}
"""

    def status(self) -> BrokerStatus:
        """Report whether the broker recorded in ``broker.pid`` is alive."""
        pid = self._read_pid()
        if self._proc is not None and self._proc.pid == pid:
            # Our own child: poll() is exact and reaps it, while /proc may still show python.
            running = self._proc.poll() is None
        else:
            running = pid is not None and _pid_running(pid)
        return BrokerStatus(running=running, pid=pid if running else None, bootstrap=self.bootstrap)

    def start(self, wait: bool = True, timeout: float = 90.0) -> BrokerStatus:
        """Start the broker detached; with ``wait``, return only once it serves clients.

        Does nothing but wait if this state dir's broker is already running. Raises
        :class:`BrokerError` if a port is taken, java is missing, formatting fails, or the
        broker dies or is not ready within ``timeout`` seconds (it is then killed).
        """
        if self.status().running:
            if wait:
                self.wait_until_ready(timeout)
            return self.status()
        _ensure_port_free(self.host, self.port, "broker")
        _ensure_port_free(self.host, self.controller_port, "controller")
        if shutil.which(self.java) is None:
            raise BrokerError(f"'{self.java}' not found: the Kafka broker needs Java 17+")
        libs = self.libs or fetch_jars()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.properties_path.write_text(self.server_properties())
        classpath = f"{libs}/*"  # expanded by the JVM, not by a shell
        if not (self.data_dir / "meta.properties").exists():
            self._format(classpath)
        cmd = [self.java, f"-Xmx{self.heap}", "-cp", classpath, "kafka.Kafka",
               str(self.properties_path)]
        with open(self.log_path, "wb") as out:
            # Own session and process group: Ctrl-C in our terminal does not reach it,
            # and stop() can signal the whole group.
            self._proc = subprocess.Popen(cmd, cwd=self.state_dir, stdin=subprocess.DEVNULL,
                                          stdout=out, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        self.pid_path.write_text(f"{self._proc.pid}\n")
        log.info("Kafka broker starting at %s (pid %d)", self.bootstrap, self._proc.pid)
        if wait:
            self.wait_until_ready(timeout)
        return self.status()

    def wait_until_ready(self, timeout: float = 90.0) -> float:
        """Block until an admin client can describe the cluster; return the seconds waited."""
        started = time.monotonic()
        deadline = started + timeout
        while True:
            if not self.status().running:
                code = self._proc.poll() if self._proc is not None else None
                self.pid_path.unlink(missing_ok=True)
                raise BrokerError(
                    f"Kafka broker at {self.bootstrap} exited (code {code}) before it was "
                    f"ready; tail of {self.log_path}:\n{_tail_file(self.log_path)}"
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise BrokerError(
                    f"Kafka broker at {self.bootstrap} not ready after {timeout:g}s (killed); "
                    f"tail of {self.log_path}:\n{_tail_file(self.log_path)}"
                )
            # An open port is not readiness, but before it opens there is nothing to ask.
            if self._port_open() and self._describe_cluster(min(remaining, 10.0)):
                waited = time.monotonic() - started
                log.info("Kafka broker ready at %s after %.1fs", self.bootstrap, waited)
                return waited
            time.sleep(0.2)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the broker: SIGTERM (clean shutdown), then SIGKILL after ``timeout`` seconds."""
        pid = self._read_pid()
        if pid is not None and self.status().running:
            self._signal(pid, signal.SIGTERM)
            if not self._wait_exit(timeout):
                log.warning("Kafka broker pid %d ignored SIGTERM for %.0fs; killing", pid, timeout)
                self._signal(pid, signal.SIGKILL)
                if not self._wait_exit(10.0):
                    raise BrokerError(f"Kafka broker pid {pid} survived SIGKILL")
        self.pid_path.unlink(missing_ok=True)
        self._proc = None

    def __enter__(self) -> KafkaBroker:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _format(self, classpath: str) -> None:
        base = [self.java, "-cp", classpath, "kafka.tools.StorageTool"]
        uuid = self._run_tool(base + ["random-uuid"]).strip().splitlines()[-1].strip()
        self._run_tool(base + ["format", "-t", uuid, "-c", str(self.properties_path)])

    def _run_tool(self, cmd: list[str]) -> str:
        proc = subprocess.run(cmd, cwd=self.state_dir, capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode != 0:
            out = (proc.stdout + proc.stderr).strip().splitlines()[-40:]
            raise BrokerError(f"{' '.join(cmd[-4:])} failed (exit {proc.returncode}):\n"
                              + "\n".join(out))
        return proc.stdout

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None

    def _port_open(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1.0):
                return True
        except OSError:
            return False

    def _describe_cluster(self, timeout: float) -> bool:
        from kafka import KafkaAdminClient  # kafka-python: heavy import, only when waiting

        ms, admin = int(timeout * 1000), None
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="watchfloor-probe",
                                     bootstrap_timeout_ms=ms, request_timeout_ms=ms)
            return bool(admin.describe_cluster().get("brokers"))
        except Exception as exc:  # any failure here only means "not ready yet"
            log.debug("broker not ready: %r", exc)
            return False
        finally:
            if admin is not None:
                admin.close()

    @staticmethod
    def _signal(pid: int, sig: signal.Signals) -> None:
        # Our broker leads its own process group; signal the group if it still does.
        with suppress(ProcessLookupError):
            os.killpg(pid, sig) if os.getpgid(pid) == pid else os.kill(pid, sig)

    def _wait_exit(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.status().running:  # status() also reaps the JVM if it is our child
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
        return True
