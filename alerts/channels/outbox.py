"""Outbox channel: writes rendered alerts to files when no Slack or SMTP is configured.

`<alert_id>.slack.json` holds the chat.postMessage payload, `<alert_id>.eml` the email as it
would be sent. Writes are atomic (temp file in the same directory, fsync, rename) so a reader
never sees half a file, and rewriting the same alert replaces it rather than duplicating it.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Literal

from alerts.channels.base import DeliveryResult
from alerts.model import Alert
from alerts.render.email import render_email
from alerts.render.slack import render_slack

Kind = Literal["slack", "email"]
# Errors a retry cannot fix; anything else (disk full, I/O error) may pass.
_PERMANENT_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST}


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that `path` is either the old or the whole new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class OutboxChannel:
    """Writes each alert to `directory` as a Slack payload or an .eml file."""

    def __init__(
        self,
        name: str,
        directory: str | os.PathLike[str],
        kind: Kind,
        *,
        sender: str = "watchfloor@watchfloor.local",
        to: tuple[str, ...] = ("outbox@watchfloor.local",),
    ) -> None:
        if kind not in ("slack", "email"):
            raise ValueError(f"OutboxChannel {name!r}: kind must be 'slack' or 'email', not {kind!r}")
        self.name = name
        self.directory = Path(directory)
        self.kind: Kind = kind
        self.sender = sender
        self.to = tuple(to)

    def path_for(self, alert: Alert) -> Path:
        """Where `alert` is (or would be) written."""
        # alert_id is "al-<hex>"; the name is still sanitised so it can never leave the directory.
        stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in alert.alert_id).lstrip(".")
        suffix = ".slack.json" if self.kind == "slack" else ".eml"
        return self.directory / f"{stem or 'alert'}{suffix}"

    def _payload(self, alert: Alert) -> bytes:
        if self.kind == "slack":
            message = render_slack(alert)
            return (json.dumps(message.to_dict(), indent=2, ensure_ascii=False) + "\n").encode()
        return bytes(render_email(alert, self.sender, self.to))

    async def send(self, alert: Alert) -> DeliveryResult:
        """Write the rendered alert; `ref` is the file path."""
        path = self.path_for(alert)
        try:
            data = self._payload(alert)
            # File I/O with fsync can block for a while: keep it off the event loop.
            await asyncio.to_thread(atomic_write, path, data)
        except OSError as exc:
            detail = f"outbox: {type(exc).__name__}: {exc}"
            if exc.errno in _PERMANENT_ERRNOS:
                return DeliveryResult.permanent(detail)
            return DeliveryResult.retryable(detail)
        return DeliveryResult.success(f"wrote {path.name}", ref=str(path))
