"""Delivery: send with retry, recorded in a ledger keyed by (alert id, receiver)."""

from alerts.deliver.ledger import Ledger, MemoryLedger, SqliteLedger
from alerts.deliver.retry import RetryPolicy, send_with_retry
from alerts.deliver.send import deliver

__all__ = ["Ledger", "MemoryLedger", "RetryPolicy", "SqliteLedger", "deliver", "send_with_retry"]
