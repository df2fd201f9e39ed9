"""Receivers: the named destinations of the receivers file, and the channels built from them."""

from alerts.receivers.load import Receiver, ReceiversConfig, load_receivers
from alerts.receivers.spec import EmailSpec, KafkaSpec, ReceiverSpec, SlackSpec, WebhookSpec

__all__ = ["EmailSpec", "KafkaSpec", "Receiver", "ReceiverSpec", "ReceiversConfig", "SlackSpec", "WebhookSpec",
           "load_receivers"]
