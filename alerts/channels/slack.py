"""Slack channel: chat.postMessage through slack-sdk's AsyncWebClient.

slack-sdk's own retry handlers are switched off (`retry_handlers=[]`): they would sleep inside
the client, hidden from the retry stage and its ledger. Here one call is one attempt, and the
outcome is classified for alerts/deliver/retry.py.

An update of an incident (`Notice.is_update`) whose first message reached this channel is
posted as a reply in that message's thread (`thread_ts` = the first message's ts, kept in the
incident state's refs). Without a known root it is posted as a full top-level message, which
then becomes the thread root for this receiver.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from alerts.channels.base import DeliveryResult
from alerts.model import Alert
from alerts.render.group import render_group_slack
from alerts.render.slack import SlackMessage, render_slack

if TYPE_CHECKING:
    from alerts.incidents import Notice
    from alerts.noise.group import Group

DEFAULT_BASE_URL = "https://slack.com/api/"

PERMANENT_ERRORS = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
    "channel_not_found", "is_archived", "not_in_channel", "invalid_blocks", "msg_too_long",
    "missing_scope", "restricted_action",
})
# Slack documents these as transient; losing a critical alert is worse than a rare duplicate.
RETRYABLE_ERRORS = frozenset({"ratelimited", "internal_error", "service_unavailable"})


def retry_after_seconds(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent/garbled."""
    headers = headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")  # plain dicts are case-sensitive
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def classify_response(status: int | None, headers: Mapping[str, str] | None, data: Any) -> DeliveryResult:
    """Classify one Web API answer (HTTP status, headers, parsed JSON body)."""
    body = data if isinstance(data, dict) else {}
    error = str(body.get("error") or "")
    if status == 200 and body.get("ok"):
        ts = body.get("ts")
        return DeliveryResult.success(f"posted to {body.get('channel', '?')}", ref=str(ts) if ts else None)
    detail = f"slack: {error or 'no error code'} (HTTP {status})"
    if status == 429 or error == "ratelimited":
        return DeliveryResult.retryable(detail, retry_after_seconds(headers))
    if status is not None and status >= 500:
        return DeliveryResult.retryable(detail)
    if error in RETRYABLE_ERRORS:
        return DeliveryResult.retryable(detail, retry_after_seconds(headers))
    # PERMANENT_ERRORS, any other error code and any other 4xx: resending the same request
    # to the same endpoint cannot succeed.
    return DeliveryResult.permanent(detail)


class SlackChannel:
    """Posts alerts to one Slack conversation."""

    def __init__(
        self,
        name: str,
        token: str,
        channel: str,
        base_url: str | None = None,
        timeout: float = 10,
        *,
        render: Callable[..., SlackMessage] = render_slack,
    ) -> None:
        self.name = name
        self.channel = channel
        self.render = render
        base = base_url or DEFAULT_BASE_URL
        # AsyncWebClient joins base_url and the method name by plain concatenation.
        self.base_url = base if base.endswith("/") else base + "/"
        self.client = AsyncWebClient(
            token=token, base_url=self.base_url, timeout=timeout, retry_handlers=[]
        )

    def __repr__(self) -> str:  # never show the token
        return f"SlackChannel(name={self.name!r}, channel={self.channel!r}, base_url={self.base_url!r})"

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult:
        """Post `alert` (a thread reply for an update `notice`); classify the outcome.

        `ref` is the message ts on success.
        """
        thread_ts = notice.thread_ref(self.name) if notice is not None else None
        # A render hook may predate notices: pass one only when there is a thread to reply in.
        message = self.render(alert, notice) if thread_ts else self.render(alert)
        return await self._post(message, thread_ts)

    async def send_group(self, group: Group) -> DeliveryResult:
        """Post a group of new incidents (alerts/noise/group.py) as one message; `ref` is its
        ts, the thread root of every incident in it."""
        return await self._post(render_group_slack(group), None)

    async def _post(self, message: SlackMessage, thread_ts: str | None) -> DeliveryResult:
        extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        try:
            response = await self.client.chat_postMessage(
                channel=self.channel,
                text=message.text,
                blocks=message.blocks,
                # Report URLs are untrusted: do not make Slack fetch them for previews.
                unfurl_links=False,
                unfurl_media=False,
                **extra,
            )
        except SlackApiError as exc:
            resp = exc.response
            # validate() raises with an AsyncSlackResponse; a body that is not JSON raises
            # with the raw aiohttp response, which names its fields differently.
            status = getattr(resp, "status_code", None) or getattr(resp, "status", None)
            data = getattr(resp, "data", None)
            return classify_response(status, getattr(resp, "headers", None), data)
        except (asyncio.TimeoutError, TimeoutError) as exc:
            return DeliveryResult.retryable(f"slack: timeout ({type(exc).__name__})")
        except (aiohttp.ClientError, OSError) as exc:
            return DeliveryResult.retryable(f"slack: connection failed: {type(exc).__name__}: {exc}")
        except Exception as exc:  # e.g. a proxy's text/plain body that slack-sdk cannot validate
            return DeliveryResult.permanent(f"slack: unexpected {type(exc).__name__}: {exc}")
        return classify_response(response.status_code, response.headers, response.data)
