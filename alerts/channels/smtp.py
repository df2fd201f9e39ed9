"""SMTP channel: one email per alert through aiosmtplib (any SMTP server).

Classification follows SMTP's own reply classes: 4xx is "try again later", 5xx is "this will
never work"; failing to reach or keep the server at all is transient.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import TYPE_CHECKING

import aiosmtplib

from alerts.channels.base import DeliveryResult
from alerts.model import Alert
from alerts.render.email import render_email
from alerts.render.group import render_group_email

if TYPE_CHECKING:
    from alerts.incidents import Notice
    from alerts.noise.group import Group


def classify_smtp_error(exc: BaseException) -> DeliveryResult:
    """Map an aiosmtplib (or socket) exception to retryable / permanent."""
    name = type(exc).__name__
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        detail = "smtp: all recipients refused: " + "; ".join(
            f"{r.recipient} {r.code} {r.message}" for r in exc.recipients
        )
        # Only when every refusal is temporary (greylisting, full mailbox) is a retry useful.
        if codes and all(400 <= c < 500 for c in codes):
            return DeliveryResult.retryable(detail)
        return DeliveryResult.permanent(detail)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        detail = f"smtp: {name} {exc.code} {exc.message}"
        if 400 <= exc.code < 500:
            return DeliveryResult.retryable(detail)
        if isinstance(exc, aiosmtplib.SMTPConnectResponseError) and exc.code < 400:
            return DeliveryResult.retryable(detail)
        return DeliveryResult.permanent(detail)
    if isinstance(exc, (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPTimeoutError,
                        aiosmtplib.SMTPServerDisconnected, asyncio.TimeoutError,
                        TimeoutError, ConnectionError, OSError)):
        return DeliveryResult.retryable(f"smtp: {name}: {exc}")
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        # e.g. STARTTLS required by our settings but not offered: a configuration problem.
        return DeliveryResult.permanent(f"smtp: {name}: {exc}")
    return DeliveryResult.permanent(f"smtp: {name}: {exc}")


class SmtpChannel:
    """Sends alerts as email to a fixed list of recipients."""

    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        sender: str,
        to: Sequence[str],
        cc: Sequence[str] = (),
        starttls: bool = False,
        use_tls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10,
        *,
        render: Callable[..., EmailMessage] = render_email,
    ) -> None:
        if not to:
            raise ValueError(f"SmtpChannel {name!r}: at least one 'to' address is required")
        if starttls and use_tls:
            raise ValueError(f"SmtpChannel {name!r}: choose starttls or use_tls, not both")
        self.name = name
        self.host = host
        self.port = port
        self.sender = sender
        self.to = tuple(to)
        self.cc = tuple(cc)
        self.starttls = starttls
        self.use_tls = use_tls
        self.username = username
        self._password = password
        self.timeout = timeout
        self.render = render

    def __repr__(self) -> str:  # never show the password
        return f"SmtpChannel(name={self.name!r}, host={self.host!r}, port={self.port}, to={self.to!r})"

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult:
        """Send `alert` as one email; `ref` is its Message-ID on success.

        For an update `notice` the email replies to the incident's first message (its
        Message-ID is this receiver's thread ref, or derived from the first alert's id).
        """
        if notice is None:  # a render hook may predate notices
            message = self.render(alert, self.sender, self.to, cc=self.cc)
        else:
            message = self.render(alert, self.sender, self.to, cc=self.cc, notice=notice,
                                  in_reply_to=notice.thread_ref(self.name))
        return await self._send(message)

    async def send_group(self, group: Group) -> DeliveryResult:
        """Send a group of new incidents (alerts/noise/group.py) as one email; `ref` is its
        Message-ID, which updates of every incident in it reply to."""
        return await self._send(render_group_email(group, self.sender, self.to, cc=self.cc))

    async def _send(self, message: EmailMessage) -> DeliveryResult:
        try:
            refused, reply = await aiosmtplib.send(
                message,
                sender=self.sender,
                recipients=[*self.to, *self.cc],
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self._password,
                use_tls=self.use_tls,
                # False means never upgrade; aiosmtplib's None would upgrade opportunistically.
                start_tls=self.starttls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as exc:
            return classify_smtp_error(exc)
        detail = f"smtp: {reply}".strip()
        if refused:
            # Some recipients took it: resending would duplicate for them, so this is done.
            detail += " (refused: " + ", ".join(f"{a} {r.code}" for a, r in refused.items()) + ")"
        return DeliveryResult.success(detail, ref=str(message["Message-ID"]))
