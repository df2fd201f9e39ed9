"""alerts/render/escape.py: Slack mrkdwn, email headers, URLs, truncation."""

from __future__ import annotations

import pytest

from alerts.render.escape import header_safe, mrkdwn, safe_url, slack_link, truncate

MRKDWN_CASES = [
    ("channel", "<!channel>", "&lt;!channel&gt;"),
    ("here", "<!here>", "&lt;!here&gt;"),
    ("everyone", "<!everyone>", "&lt;!everyone&gt;"),
    ("user", "<@U123>", "&lt;@U123&gt;"),
    ("usergroup", "<!subteam^S123>", "&lt;!subteam^S123&gt;"),
    ("link", "<https://evil|click>", "&lt;https://evil|click&gt;"),
    ("amp", "AT&T", "AT&amp;T"),
    ("already-escaped", "&lt;", "&amp;lt;"),
    ("quotes-kept", "\"quoted\" 'x'", "\"quoted\" 'x'"),
    ("crlf", "a\r\nb\rc", "a\nb\nc"),
    ("controls", "a\x00b\x1bc\x7fd", "abcd"),
    ("none", None, ""),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in MRKDWN_CASES], ids=[c[0] for c in MRKDWN_CASES])
def test_mrkdwn(raw: str | None, expected: str) -> None:
    assert mrkdwn(raw) == expected


HEADER_CASES = [
    ("crlf-injection", "Officer killed\r\nBcc: victim@example.org", "Officer killed Bcc: victim@example.org"),
    ("lf", "a\nb", "a b"),
    ("cr", "a\rb", "a b"),
    ("unicode-line-sep", "a\u2028b\u2029c\x85d", "a b c d"),
    ("tabs-and-runs", "a\t\t b   c", "a b c"),
    ("controls", "a\x00b\x07c", "abc"),
    ("unicode-kept", "Ḩalab — Maskanah", "Ḩalab — Maskanah"),
    ("empty", "", ""),
    ("none", None, ""),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in HEADER_CASES], ids=[c[0] for c in HEADER_CASES])
def test_header_safe(raw: str | None, expected: str) -> None:
    assert header_safe(raw) == expected


def test_header_safe_limits_length() -> None:
    out = header_safe("x" * 500, limit=78)
    assert len(out) == 78 and out.endswith("…")


URL_CASES = [
    ("https", "https://www.syriahr.com/en/?p=1", "https://www.syriahr.com/en/?p=1"),
    ("http", "http://example.org/a", "http://example.org/a"),
    ("pipe-and-angle", "https://evil.example/a|b>c<d", "https://evil.example/a%7Cb%3Ec%3Cd"),
    ("javascript", "javascript:alert(1)", None),
    ("data", "data:text/html,<script>", None),
    ("ftp", "ftp://example.org/x", None),
    ("relative", "/path", None),
    ("scheme-relative", "//evil.example/x", None),
    ("no-host", "https://", None),
    ("space", "https://ex ample.org", None),
    ("newline", "https://example.org/\nx", None),
    ("empty", "", None),
]


@pytest.mark.parametrize(("url", "expected"), [c[1:] for c in URL_CASES], ids=[c[0] for c in URL_CASES])
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    ("url", "label", "expected"),
    [
        ("https://a.example/?x=1&y=2", "SOHR", "<https://a.example/?x=1&amp;y=2|SOHR>"),
        ("https://a.example/", "<!channel>", "<https://a.example/|&lt;!channel&gt;>"),
        ("javascript:alert(1)", "SOHR", "SOHR"),
        (None, "SOHR <@U1>", "SOHR &lt;@U1&gt;"),
    ],
    ids=["amp-in-url", "hostile-label", "unsafe-url-dropped", "no-url"],
)
def test_slack_link(url: str | None, label: str, expected: str) -> None:
    assert slack_link(url, label) == expected


TRUNCATE_CASES = [
    ("fits", "abc", 3, "abc"),
    ("cut", "abcdef", 4, "abc…"),
    ("no-split-entity", "ab&lt;cd", 5, "ab…"),
    ("whole-entity-kept", "&lt;&gt;xyz", 9, "&lt;&gt;…"),
]


@pytest.mark.parametrize(("text", "limit", "expected"), [c[1:] for c in TRUNCATE_CASES],
                         ids=[c[0] for c in TRUNCATE_CASES])
def test_truncate(text: str, limit: int, expected: str) -> None:
    out = truncate(text, limit)
    assert out == expected and len(out) <= limit
