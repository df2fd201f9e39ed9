"""Outbox channel: writes rendered alerts to files when no Slack or SMTP is configured.

`<alert_id>.slack.json` holds the chat.postMessage payload, `<alert_id>.eml` the email as it
would be sent. Writes are atomic (temp file in the same directory, fsync, rename) so a reader
never sees half a file, and rewriting the same alert replaces it rather than duplicating it.

An update of an incident is written the same way (its own `<alert_id>` file) and rendered as
the update it is: the Slack payload is the thread reply with `thread_ts` set to this
receiver's thread ref (the root's ref: here, the path of the incident's first file), the email
a reply to the incident's first message.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from alerts.channels.base import DeliveryResult
from alerts.model import Alert
from alerts.render.email import render_email
from alerts.render.slack import render_slack

if TYPE_CHECKING:
    from alerts.incidents import Notice

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

    def _payload(self, alert: Alert, notice: Notice | None = None) -> bytes:
        if self.kind == "slack":
            # As SlackChannel: a reply only when this receiver has a thread root to reply in.
            thread_ts = notice.thread_ref(self.name) if notice is not None else None
            payload: dict[str, Any] = render_slack(alert, notice if thread_ts else None).to_dict()
            if thread_ts:
                payload["thread_ts"] = thread_ts
            return (json.dumps(payload, indent=2, ensure_ascii=False) + "\n").encode()
        # Outbox refs are paths, not Message-IDs: the renderer derives the root's Message-ID.
        return bytes(render_email(alert, self.sender, self.to, notice=notice))

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult:
        """Write the rendered alert (as an update for an update `notice`); `ref` is the file path."""
        path = self.path_for(alert)
        try:
            data = self._payload(alert, notice)
            # File I/O with fsync can block for a while: keep it off the event loop.
            await asyncio.to_thread(atomic_write, path, data)
        except OSError as exc:
            detail = f"outbox: {type(exc).__name__}: {exc}"
            if exc.errno in _PERMANENT_ERRNOS:
                return DeliveryResult.permanent(detail)
            return DeliveryResult.retryable(detail)
        return DeliveryResult.success(f"wrote {path.name}", ref=str(path))
