"""Fuzzing the way in: report decoding, the extract stage's decode path, and dead letters.

Properties, for any bytes at all (arbitrary binary, JSON of any shape, report-shaped objects
with wrong types and missing fields, invalid UTF-8, deep nesting, huge numbers and texts):
- decoding returns a Report or raises ReportError, nothing else, with a short one-line reason;
- a decoded report survives the trip through Kafka (serialised and decoded again, it is equal);
- the extract stage turns each bad value into its own StageError and never loses the batch;
- the dead-letter record for it is valid JSON that keeps the original bytes (or says where
  they are when too big for a Kafka message) and never carries a secret from the error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re

from hypothesis import example, given
from hypothesis import strategies as st

from extraction.report import Report, ReportError, report_from_bytes
from streams.records import MAX_RECORD_BYTES, dead_letter
from streams.stages import StageError, decode_alert, decode_event, extract_batch

from .strategies import raw_values, secrets

VALID = b'{"id": "r-1", "text": "A Brigadier was killed in an IED explosion near Maskanah."}'
# Every reason says what is wrong where: the decoding step, or the field (path) at fault.
REASON = re.compile(r"^(not UTF-8: |invalid JSON: |a report must be a JSON object, got |empty message|"
                    r"[^:]{1,80}: \S)")
HUGE_TEXT = b'{"id": "huge", "text": "' + b"x" * 2_000_000 + b'"}'
LONG_NUMBER = b'{"id": "n", "text": ' + b"9" * 5000 + b"}"
MANY_KEYS = json.dumps({"id": "k", "text": "t", **{f"extra{i}": i for i in range(5000)}}).encode()


class RecordingExtractor:
    """Stands in for the spaCy extractor: records the reports it was given, finds no events."""

    def __init__(self) -> None:
        self.seen: list[Report] = []

    def extract_many(self, reports):
        reports = list(reports)
        self.seen.extend(reports)
        return [[] for _ in reports]

    def extract(self, report):
        self.seen.append(report)
        return []


def _decoded(raw: bytes) -> Report | ReportError:
    try:
        return report_from_bytes(raw)
    except ReportError as exc:
        return exc


@given(raw_values)
@example(b"")
@example(b"\xff\xfe{}")
@example(b'{"id": "r", "text": "\xed\xa0\x80"}')  # an encoded lone surrogate: not UTF-8
@example(b'{"id": "r", "text": "\\ud800"}')  # a JSON-escaped lone surrogate
@example(b"[" * 200_000)
@example(LONG_NUMBER)  # regression: ValueError from int() escaped as a non-ReportError
@example(b"9" * 5000)
@example(MANY_KEYS)  # regression: a reason listing 5000 problems
@example(HUGE_TEXT)
@example(b'{"id": "r", "text": "t", "published_at": 1e308}')
@example(b'\xef\xbb\xbf{"id": "bom", "text": "t"}')
def test_decoding_any_bytes_gives_a_report_or_a_clear_reason(raw: bytes):
    result = _decoded(raw)
    if isinstance(result, ReportError):
        reason = str(result)
        assert type(result) is ReportError
        assert REASON.match(reason), reason
        assert "\n" not in reason and len(reason) <= 1000, reason[:2000]
        return
    assert isinstance(result, Report)
    assert result.id and result.text.strip()
    # What the extract agent decodes again downstream (and `ingest` publishes) is the same report.
    assert report_from_bytes(result.model_dump_json(exclude_none=True).encode()) == result


@given(st.lists(raw_values, min_size=1, max_size=6), st.integers(0, 6))
@example([LONG_NUMBER], 0)  # regression: one such value used to fail the whole batch
def test_extract_stage_fails_only_the_bad_values_of_a_batch(values: list[bytes], at: int):
    values = values[:at] + [VALID] + values[at:]
    extractor = RecordingExtractor()
    results = extract_batch(extractor, values)
    assert len(results) == len(values)
    good = []
    for value, result in zip(values, results):
        expected = _decoded(value)
        if isinstance(expected, ReportError):
            assert isinstance(result, StageError) and str(result) == f"invalid report: {expected}"
        else:
            assert result == []
            good.append(expected)
    assert extractor.seen == good  # every good report of the batch was extracted, in order


@given(raw_values)
@example(b'{"event_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
@example(b'{"event_id": ' + b"9" * 5000 + b"}")
def test_event_and_alert_decoding_fail_only_with_a_stage_error(raw: bytes):
    # What the match and deliver agents read; anything else would be a crash, not a DLQ record.
    for decode, what in ((decode_event, "invalid event: "), (decode_alert, "invalid alert: ")):
        try:
            decode(raw)
        except StageError as exc:
            assert str(exc).startswith(what) and len(str(exc)) < 20_000


@given(raw_values, st.binary(max_size=40) | st.none(), secrets, st.text(max_size=60))
@example(HUGE_TEXT, b"huge", ("xoxb-1234567-abcdefghijkl", "xoxb-1234567-abcdefghijkl"), "")
@example(b"\xff" * 1_500_000, None, ("smtp://u:hunter2hunter2@h", "hunter2hunter2"), "")
@example(b"\x01" * 400_000, b"ctl", ("xoxp-1234567-abcdefghijkl", "xoxp-1234567-abcdefghijkl"), "")
def test_dead_letter_record_is_valid_keeps_the_original_and_leaks_no_secret(
        value: bytes, key: bytes | None, secret: tuple[str, str], words: str):
    carrier, hidden = secret
    reason = f"{_decoded(value) if not isinstance(_decoded(value), Report) else 'publishing failed'} {words} {carrier}"
    error = ConnectionError(f"cannot reach {carrier}: refused")  # an error that quotes a credential
    raw = dead_letter("extract", reason, error, "t.reports", 1, 42, key, value)

    assert len(raw) <= MAX_RECORD_BYTES  # always fits a default Kafka message
    record = json.loads(raw)
    assert record["stage"] == "extract" and record["topic"] == "t.reports"
    assert (record["partition"], record["offset"]) == (1, 42)
    assert record["reason"] and record["error_type"] == "ConnectionError"
    kept = record["value"]
    original = kept["text"].encode("utf-8") if "text" in kept else base64.b64decode(kept["base64"])
    if kept.get("truncated"):
        # Too big for one Kafka message: a prefix, and what identifies the whole at its offset.
        assert kept["bytes"] == len(value) and kept["sha256"] == hashlib.sha256(value).hexdigest()
        assert value.startswith(original) and len(original) < len(value)
    else:
        assert original == value  # nothing lost
    outside_value = json.dumps({k: v for k, v in record.items() if k != "value"})
    assert hidden not in outside_value, "a secret reached the dead-letter record"
