"""RSS and Atom feeds in: poll, turn new entries into Reports, publish, remember them.

`watchfloor ingest --feed URL [--feed URL ...] [--interval 300] [--once]`. Entries already
published are remembered in `<data_dir>/feeds.sqlite`, so a restart does not publish them
again; an entry is remembered only after the broker acknowledged it, so a failed publish is
retried on the next poll. Conditional GETs (ETag / Last-Modified) keep unchanged feeds cheap.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import logging
import re
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from extraction.report import MAX_TEXT_CHARS, Report, ReportError, report_from_obj

log = logging.getLogger(__name__)

USER_AGENT = "watchfloor-feeds/0.1"
MAX_FEED_BYTES = 10 * 1024 * 1024
TIMEOUT_SECONDS = 30.0


# ---- entries -> reports (pure) ----

class _Text(HTMLParser):
    """Text content of an HTML fragment: tags dropped, script/style skipped, blocks on new lines."""

    BLOCKS = {"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def strip_html(fragment: str | None) -> str:
    """Plain text of an HTML fragment, whitespace tidied, paragraphs kept apart."""
    if not fragment:
        return ""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    text = html.unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def report_id(entry: Any, feed_url: str) -> str:
    """A stable id: a hash of the entry's id, else its link, else its title.

    Atom ids and links are global (URLs, URNs, tag: URIs); a bare RSS guid such as "12345" is
    only unique within its feed, so it is scoped by the feed URL.
    """
    key = (entry.get("id") or entry.get("link") or entry.get("title") or "").strip()
    if not key:
        raise ReportError("entry has no id, link or title")
    if ":" not in key:
        key = f"{feed_url}#{key}"
    return "feed-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def _published(entry: Any) -> str | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(name)
        if parsed:  # feedparser normalises to a UTC struct_time
            return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc).isoformat()
    return None


def entry_to_report(entry: Any, feed_title: str | None, feed_url: str, feed_link: str | None = None) -> Report:
    """A Report from one feed entry: text = title + summary without HTML; raises ReportError."""
    title = strip_html(entry.get("title")) or None
    summary = strip_html(entry.get("summary"))
    if not summary and entry.get("content"):
        summary = strip_html(entry["content"][0].get("value"))
    text = "\n\n".join(part for part in (title, summary) if part)[:MAX_TEXT_CHARS]
    if not text:
        raise ReportError("entry has neither title nor summary")
    source_name = strip_html(feed_title) or urlsplit(feed_url).hostname or feed_url
    return report_from_obj({
        "id": report_id(entry, feed_url),
        "title": title,
        "text": text,
        "url": entry.get("link") or None,
        "published_at": _published(entry),
        "source": {"name": source_name, "url": feed_link or feed_url},
    })


# ---- fetching (the edge) ----

@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 when unchanged since `etag` / `modified`
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    modified: str | None = None


def fetch(url: str, etag: str | None = None, modified: str | None = None, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """GET a feed with a conditional request; raises OSError / ValueError on failure."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"only http and https feeds are polled: {url}")
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            body = response.read(MAX_FEED_BYTES + 1)
            if len(body) > MAX_FEED_BYTES:
                raise ValueError(f"feed larger than {MAX_FEED_BYTES} bytes")
            return Fetched(response.status, body, response.headers.get("Content-Type"),
                           response.headers.get("ETag"), response.headers.get("Last-Modified"))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(304, etag=etag, modified=modified)
        raise OSError(f"HTTP {exc.code} {exc.reason}") from None


def parse(fetched: Fetched, url: str) -> tuple[Any, list[Any]]:
    """(feed metadata, entries); raises ValueError when the body is not a feed at all."""
    import feedparser

    headers = {"content-location": url}
    if fetched.content_type:
        headers["content-type"] = fetched.content_type
    parsed = feedparser.parse(fetched.body, response_headers=headers)
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"not an RSS or Atom feed: {parsed.get('bozo_exception')}")
    return parsed.feed, list(parsed.entries)


# ---- what has been published (sqlite under data_dir) ----

class SeenStore:
    """Report ids already published, and each feed's ETag / Last-Modified."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        with self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS seen (report_id TEXT PRIMARY KEY, feed_url TEXT, seen_at REAL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, modified TEXT)")

    def unseen(self, ids: Iterable[str]) -> set[str]:
        ids = set(ids)
        seen = {row[0] for row in self.db.execute(
            f"SELECT report_id FROM seen WHERE report_id IN ({','.join('?' * len(ids))})", tuple(ids))} if ids else set()
        return ids - seen

    def mark(self, ids: Iterable[str], feed_url: str) -> None:
        with self.db:
            self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", [(i, feed_url, time.time()) for i in ids])

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, modified FROM feeds WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, modified: str | None) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?)", (url, etag, modified))

    def close(self) -> None:
        self.db.close()


# ---- polling ----

@dataclass
class PollResult:
    url: str
    entries: int = 0
    published: int = 0
    refused: int = 0
    error: str | None = None
    not_modified: bool = False  # the server answered 304: nothing new since the last poll


def poll_feed(url: str, store: SeenStore, publish: Callable[[list[Report]], int],
              fetcher: Callable[..., Fetched] = fetch) -> PollResult:
    """Fetch one feed and publish its entries that were never published; never raises."""
    result = PollResult(url)
    try:
        fetched = fetcher(url, *store.validators(url))
        if fetched.status == 304:
            result.not_modified = True
            return result
        feed, entries = parse(fetched, url)
        result.entries = len(entries)
        reports: dict[str, Report] = {}
        for entry in entries:
            try:
                report = entry_to_report(entry, feed.get("title"), url, feed.get("link"))
            except ReportError as exc:
                result.refused += 1
                log.warning("feed %s: entry refused: %s", url, exc)
                continue
            reports.setdefault(report.id, report)
        fresh = store.unseen(reports)
        new = [report for rid, report in reports.items() if rid in fresh]
        if new:
            result.published = publish(new)
            store.mark([r.id for r in new[:result.published]], url)
        # Validators only after a good publish: a failure refetches the whole feed next time.
        store.save_validators(url, fetched.etag, fetched.modified)
    except Exception as exc:  # noqa: BLE001 - one bad feed must not stop the others
        result.error = f"{type(exc).__name__}: {exc}"
        log.warning("feed %s: %s", url, result.error)
    return result


def poll_forever(urls: list[str], store: SeenStore, publish: Callable[[list[Report]], int], interval: float,
                 once: bool = False, sleep: Callable[[float], None] = time.sleep,
                 report: Callable[[PollResult], None] = lambda r: None) -> int:
    """Poll every feed, then every `interval` seconds (or once). Exit code: 1 if a feed failed (once)."""
    while True:
        started = time.monotonic()
        results = [poll_feed(url, store, publish) for url in urls]
        for result in results:
            report(result)
        if once:
            return 1 if any(r.error for r in results) else 0
        sleep(max(0.0, interval - (time.monotonic() - started)))
