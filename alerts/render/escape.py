"""Escaping for every place report text lands: Slack mrkdwn, email headers, links.

Report text is hostile input. In Slack mrkdwn, `<!channel>`, `<@U123>` and `<url|label>` are
control sequences, so `&`, `<` and `>` are turned into entities (Slack decodes them back for
display). In email headers a CR or LF would start a new header (header injection), so those and
every other control character are dropped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"

# C0/C1 controls, DEL and the Unicode line/paragraph separators; \t and \n are handled apart.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_HEADER_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x85\v\f]+")
# Characters left as they are in a URL; everything else (space, <, >, |, ", `, {, }, \, ^)
# is percent-encoded, so the URL cannot close a Slack link or an HTML attribute.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def clean(text: str | None) -> str:
    """Text with CRLF/CR normalised to LF and other control characters removed."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def one_line(text: str | None) -> str:
    """`clean(text)` with every run of whitespace (newlines included) collapsed to one space."""
    return " ".join(clean(text).split())


def mrkdwn(text: str | None) -> str:
    """Report text made inert for Slack mrkdwn: `<!channel>` becomes `&lt;!channel&gt;`."""
    return html.escape(clean(text), quote=False)


def truncate(text: str, limit: int, *, entities: bool = True) -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when cut.

    With `entities`, a cut never splits an HTML entity such as `&lt;` (a dangling `&l` would
    show as garbage, and the cut is applied after escaping so lengths are the escaped ones).
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if entities:
        amp = cut.rfind("&")
        if amp != -1 and ";" not in cut[amp:]:
            cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def header_safe(text: str | None, limit: int = 200) -> str:
    """One line fit for an email header: no CR/LF/control characters, at most `limit` chars."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    text = _HEADER_BREAKS.sub(" ", text)
    text = _CONTROL.sub("", text)
    text = " ".join(text.split())
    return truncate(text, limit, entities=False)


def safe_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL, percent-encoded so it cannot break out of a
    Slack link or an HTML attribute; None for anything else (javascript:, data:, relative)."""
    if not url:
        return None
    url = url.strip()
    if _CONTROL.search(url) or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(url, safe=_URL_SAFE)


def slack_link(url: str | None, label: str | None) -> str:
    """A mrkdwn link `<url|label>` when `url` is safe, else the escaped label alone."""
    text = mrkdwn(label) or mrkdwn(url)
    target = safe_url(url)
    if target is None:
        return text
    # `|` and `>` are already percent-encoded by safe_url; `&` must still be an entity.
    # Slack has no escape for `|` inside a link label, so a lookalike keeps the label inert.
    return f"<{html.escape(target, quote=False)}|{text.replace('|', '¦')}>"
