"""What each agent does to one message, as plain functions the agents call.

They take bytes and return models or raise; the agents own Kafka, batching and the DLQ.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from alerts.fire import alerts_for
from alerts.model import Alert
from extraction.pipeline import Extractor
from extraction.report import ReportError, report_from_bytes
from rules.event import Event
from rules.loader import RuleSet


class StageError(ValueError):
    """A message this stage cannot process; the reason goes to the dead-letter topic."""


def extract_batch(extractor: Extractor, values: list[bytes]) -> list[list[Event] | StageError]:
    """Events for each raw report; a bad report yields its StageError in its place."""
    reports, slots = [], []
    results: list[list[Event] | StageError] = []
    for value in values:
        try:
            reports.append(report_from_bytes(value))
            slots.append(len(results))
            results.append([])
        except ReportError as exc:
            results.append(StageError(f"invalid report: {exc}"))
        except Exception as exc:  # noqa: BLE001 - a decoder bug must fail this value, not the batch
            results.append(StageError(f"invalid report: {type(exc).__name__}: {exc}"))
    if reports:
        try:
            for slot, events in zip(slots, extractor.extract_many(reports)):
                results[slot] = events
        except Exception:
            # One report broke the batch: redo them one by one so only that one is dead-lettered.
            for slot, report in zip(slots, reports):
                try:
                    results[slot] = extractor.extract(report)
                except Exception as exc:  # noqa: BLE001 - any failure is that report's reason
                    results[slot] = StageError(f"extraction failed: {type(exc).__name__}: {exc}")
    return results


def decode_event(value: bytes) -> Event:
    try:
        return Event.model_validate_json(value)
    except ValueError as exc:
        raise StageError(f"invalid event: {exc}") from None


def match_event(ruleset: RuleSet, value: bytes, clock: Callable[[], datetime], state=None) -> list[Alert]:
    return alerts_for(ruleset, decode_event(value), clock(), state)


def decode_alert(value: bytes) -> Alert:
    try:
        return Alert.model_validate_json(value)
    except ValueError as exc:
        raise StageError(f"invalid alert: {exc}") from None
