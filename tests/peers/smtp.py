"""A local SMTP server (aiosmtpd) on 127.0.0.1 that records what it receives.

aiosmtpd's Controller cannot bind port 0 (it connects to its own port to check readiness), so
a free port is picked first and kept: `stop()` then `start()` reopens the same port, and
`down()` makes the server refuse connections for the duration of a `with` block.

    with SmtpServer() as smtp:
        ... send to ("127.0.0.1", smtp.port) ...
        msg = smtp.wait_for(1)[0].message
        assert msg["Subject"].startswith("[CRITICAL]")
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ReceivedMessage:
    """One accepted message: envelope and the parsed email."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    message: EmailMessage
    received_at: float  # time.monotonic()

    def part(self, subtype: str) -> str | None:
        """Decoded body of the text/<subtype> part ("plain" or "html"), if present."""
        body = self.message.get_body(preferencelist=(subtype,))
        return None if body is None else body.get_content()


class _Handler:
    def __init__(self, peer: SmtpServer) -> None:
        self.peer = peer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.peer.refused.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return self.peer._accept(envelope)


class SmtpServer:
    """Threaded aiosmtpd server with recording, scripted replies and refusal of recipients."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.received: list[ReceivedMessage] = []
        # address (lower case) -> reply, e.g. "550 5.1.1 User unknown" or "450 4.2.1 Try later"
        self.refused: dict[str, str] = {}
        self._replies: deque[str] = deque()  # scripted DATA replies, e.g. "451 4.3.0 Try later"
        self._cond = threading.Condition()
        self._controller: Controller | None = None

    # ---- lifecycle -------------------------------------------------------------------
    def start(self) -> SmtpServer:
        if self._controller is not None:
            return self
        # A fresh Controller each time: a stopped one keeps its closed event loop.
        controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10)
        last: Exception | None = None
        for _ in range(50):  # the port may linger briefly after a stop
            try:
                controller.start()
                break
            except OSError as exc:
                last = exc
                controller = Controller(_Handler(self), hostname=self.host, port=self.port, ready_timeout=10)
                time.sleep(0.1)
        else:
            raise RuntimeError(f"SMTP peer could not bind {self.host}:{self.port}: {last}")
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    @contextmanager
    def down(self) -> Iterator[SmtpServer]:
        """Refuse connections (server stopped) inside the block; same port afterwards."""
        was_running = self.running
        self.stop()
        try:
            yield self
        finally:
            if was_running:
                self.start()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- scripting -------------------------------------------------------------------
    def reply_with(self, *replies: str) -> None:
        """Answer the next DATA commands with these replies (then accept as usual)."""
        with self._cond:
            self._replies.extend(replies)

    def refuse(self, address: str, reply: str = "550 5.1.1 User unknown") -> None:
        """Refuse RCPT TO `address` with `reply`."""
        self.refused[address.lower()] = reply

    def clear(self) -> None:
        with self._cond:
            self.received.clear()
            self._replies.clear()
            self.refused.clear()

    # ---- inspection ------------------------------------------------------------------
    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMessage]:
        """Block until `count` messages were accepted; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} messages within {timeout}s, got {len(self.received)}")
                self._cond.wait(left)
            return list(self.received)

    def _accept(self, envelope) -> str:
        with self._cond:
            if self._replies:
                return self._replies.popleft()
            data = envelope.original_content or envelope.content
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
            parsed = email.message_from_bytes(data, policy=email.policy.default)
            self.received.append(ReceivedMessage(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=data,
                message=parsed,  # type: ignore[arg-type]
                received_at=time.monotonic(),
            ))
            self._cond.notify_all()
            return "250 Message accepted for delivery"
