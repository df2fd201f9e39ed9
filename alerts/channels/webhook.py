"""Webhook channel: the alert's JSON (docs/schemas/alert.schema.json) POSTed to any URL.

One request is one attempt; the outcome is classified for the retry stage: 2xx is ok; 408,
429, 5xx, a refused connection or a timeout are retryable (with the answer's Retry-After);
any other answer (4xx, a redirect) is permanent, since resending the same request to the same
URL cannot succeed. Each request carries `Idempotency-Key: <alert id>:<receiver>` so the
endpoint can drop the rare duplicate a retry after a lost answer produces.

The same channel posts Slack incoming-webhook payloads (`body=slack_webhook_body`): Slack's
webhook answers follow the same HTTP classes (400 invalid_payload, 404 no_service, 429).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import aiohttp

from alerts.channels.base import DeliveryResult
from alerts.channels.slack import retry_after_seconds
from alerts.model import Alert
from alerts.render.slack import render_slack

if TYPE_CHECKING:
    from alerts.incidents import Notice

Body = Callable[[Alert, "Notice | None"], bytes]
RETRYABLE_STATUS = frozenset({408, 425, 429})
USER_AGENT = "watchfloor-webhook/1"


def alert_json(alert: Alert, notice: Notice | None = None) -> bytes:
    """The alert as published on the alerts topic (its JSON schema is the contract)."""
    return alert.model_dump_json().encode()


def slack_webhook_body(alert: Alert, notice: Notice | None = None) -> bytes:
    """A Slack incoming-webhook payload: the Block Kit message (an update renders as one)."""
    message = render_slack(alert, notice).to_dict()
    # Report URLs are untrusted: do not make Slack fetch them for previews.
    return json.dumps({**message, "unfurl_links": False, "unfurl_media": False}).encode()


def classify_http(status: int, headers: Mapping[str, str] | None, body: str = "") -> DeliveryResult:
    """Classify one HTTP answer by its status code."""
    snippet = " ".join(body.split())[:200]
    detail = f"webhook: HTTP {status}" + (f" {snippet}" if snippet else "")
    if 200 <= status < 300:
        return DeliveryResult.success(detail)
    if status in RETRYABLE_STATUS or status >= 500:
        return DeliveryResult.retryable(detail, retry_after_seconds(headers))
    return DeliveryResult.permanent(detail)


class WebhookChannel:
    """POSTs (or PUTs) each alert to one URL."""

    def __init__(
        self,
        name: str,
        url: str,
        *,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        timeout: float = 10,
        body: Body = alert_json,
        idempotency: bool = True,
    ) -> None:
        self.name = name
        self._url = url
        self.method = method
        self._headers = dict(headers or {})
        self.timeout = timeout
        self.body = body
        self.idempotency = idempotency

    def __repr__(self) -> str:  # the URL and headers may hold credentials
        return f"WebhookChannel(name={self.name!r}, method={self.method!r})"

    def request_headers(self, alert: Alert, notice: Notice | None = None) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT, **self._headers, "Content-Type": "application/json"}
        if self.idempotency:
            headers["Idempotency-Key"] = f"{alert.alert_id}:{self.name}"
            headers["X-Watchfloor-Incident"] = alert.incident_key
            headers["X-Watchfloor-Notice"] = notice.kind if notice is not None else "new"
        return headers

    async def send(self, alert: Alert, notice: Notice | None = None) -> DeliveryResult:
        """One request with the alert; the outcome classified (ref: the idempotency key)."""
        headers = self.request_headers(alert, notice)
        data = self.body(alert, notice)
        try:
            # A session per send: alerts are rare, and a session must live on the caller's loop.
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
                async with session.request(self.method, self._url, data=data, headers=headers,
                                           allow_redirects=False) as response:
                    text = await response.text(errors="replace")
                    result = classify_http(response.status, response.headers, text)
        except (asyncio.TimeoutError, TimeoutError) as exc:
            return DeliveryResult.retryable(f"webhook: timeout after {self.timeout:g}s ({type(exc).__name__})")
        except (aiohttp.ClientError, OSError) as exc:
            return DeliveryResult.retryable(f"webhook: connection failed: {type(exc).__name__}: {exc}")
        if result.ok:
            return DeliveryResult.success(result.detail, ref=headers.get("Idempotency-Key"))
        return result
