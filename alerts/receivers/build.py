"""Receivers -> channels: each receiver of the file as the channel that sends to it."""

from __future__ import annotations

from alerts.channels.base import Channel
from alerts.channels.slack import SlackChannel
from alerts.channels.smtp import SmtpChannel
from alerts.channels.topic import Publish, TopicChannel
from alerts.channels.webhook import WebhookChannel, slack_webhook_body

from .load import Receiver
from .spec import EmailSpec, KafkaSpec, SlackSpec, WebhookSpec


def channel_for(receiver: Receiver, publish: Publish | None = None) -> Channel:
    """The channel for `receiver`; `publish` sends to Kafka (needed by kafka receivers only)."""
    spec, name = receiver.spec, receiver.name
    if isinstance(spec, SlackSpec):
        if spec.webhook_url_env:
            return WebhookChannel(name, receiver.secret("webhook_url") or "", timeout=spec.timeout,
                                  body=slack_webhook_body, idempotency=False)
        return SlackChannel(name, receiver.secret("token") or "", spec.channel or "", base_url=spec.base_url,
                            timeout=spec.timeout)
    if isinstance(spec, EmailSpec):
        return SmtpChannel(name, spec.host, spec.effective_port, spec.sender, spec.to, spec.cc,
                           starttls=spec.security == "starttls", use_tls=spec.security == "tls",
                           username=spec.username, password=receiver.secret("password"), timeout=spec.timeout)
    if isinstance(spec, WebhookSpec):
        headers = dict(spec.headers)
        headers.update({header: receiver.secret(f"header:{header}") or "" for header in spec.headers_env})
        url = spec.url or receiver.secret("url") or ""
        return WebhookChannel(name, url, method=spec.method, headers=headers, timeout=spec.timeout)
    if isinstance(spec, KafkaSpec):
        if publish is None:
            raise ValueError(f"receiver {name!r}: a kafka receiver needs a producer (publish)")
        return TopicChannel(name, spec.topic, publish)
    raise TypeError(f"receiver {name!r}: no channel for {type(spec).__name__}")
