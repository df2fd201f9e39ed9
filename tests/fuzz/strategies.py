"""Hypothesis strategies for hostile input: arbitrary JSON, report-shaped objects, raw bytes."""

from __future__ import annotations

import json

from hypothesis import strategies as st

# Any JSON value, nested a few levels (lists and objects of scalars, lists and objects).
json_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                | st.text(max_size=40))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=25,
)

# Report fields filled with good values, or with any JSON value at all (wrong types).
_good_text = st.text(min_size=1, max_size=300)
_dates = st.sampled_from(["2017-11-25", "2017-11-25T10:00:00Z", "2017-11-25T10:00:00+03:00", "2017-13-45",
                          "yesterday", "", "2017-11-25T25:61:00"])
report_objects = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=250) | json_values,
    "text": _good_text | st.sampled_from(["", "   ", "\n\t"]) | json_values,
    "source": st.fixed_dictionaries({}, optional={"name": st.text(max_size=30) | json_values,
                                                 "url": st.text(max_size=30)}) | st.text(max_size=20) | json_values,
    "url": st.text(max_size=50) | json_values,
    "title": st.text(max_size=50) | json_values,
    "published_at": _dates | json_values,
    "unexpected": json_values,
})


def _nested(depth: int, opener: bytes, closer: bytes) -> bytes:
    return opener * depth + b"1" + closer * depth


def _mutate(data: tuple[bytes, int, bytes]) -> bytes:
    """Splice some bytes into a JSON document (invalid UTF-8, stray quotes, cut in half)."""
    raw, at, insert = data
    at = min(at, len(raw))
    return raw[:at] + insert + raw[at:]


raw_values = st.one_of(
    st.binary(max_size=500),
    report_objects.map(lambda obj: json.dumps(obj).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.tuples(report_objects.map(lambda obj: json.dumps(obj).encode()), st.integers(0, 400),
              st.binary(min_size=1, max_size=8)).map(_mutate),
    st.integers(1, 100_000).map(lambda n: _nested(n, b"[", b"]")),
    st.integers(1, 100_000).map(lambda n: _nested(n, b'{"a":', b"}")),
    st.integers(1, 3_000).map(lambda n: b'{"id": "deep", "text": "t", "source": ' + _nested(n, b"[", b"]") + b"}"),
    st.integers(4_000, 20_000).map(lambda n: b'{"id": "long-number", "text": ' + b"9" * n + b"}"),
)

# (text that carries a secret, the secret): a Slack token, a password written into a URL.
_slack_tokens = st.from_regex(r"xox[abpr]-[0-9]{6,12}-[A-Za-z0-9]{10,24}", fullmatch=True)
_passwords = st.from_regex(r"[A-Za-z0-9]{8,16}", fullmatch=True)
secrets = st.one_of(
    _slack_tokens.map(lambda token: (token, token)),
    st.tuples(st.sampled_from(["smtp", "https", "kafka", "sasl_ssl"]), _passwords).map(
        lambda pair: (f"{pair[0]}://watch:{pair[1]}@mail.example.org:465", pair[1])),
    _passwords.map(lambda pw: (f"https://hooks.example.org/post?channel=x&token={pw}", pw)),
)
