"""Channels: Slack, SMTP and a file outbox, each classifying its own delivery failures."""

from alerts.channels.base import Channel, DeliveryResult
from alerts.channels.outbox import OutboxChannel
from alerts.channels.registry import ChannelRegistry
from alerts.channels.slack import SlackChannel
from alerts.channels.smtp import SmtpChannel

__all__ = [
    "Channel",
    "ChannelRegistry",
    "DeliveryResult",
    "OutboxChannel",
    "SlackChannel",
    "SmtpChannel",
]
