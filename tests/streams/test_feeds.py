"""RSS/Atom feeds in: entries -> reports (pure), the seen store, and `watchfloor ingest --feed`
against a local HTTP server and the real broker."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.feeds import Fetched, SeenStore, entry_to_report, parse, poll_feed, report_id, strip_html
from streams.kafka_io import ensure_topics, read_topic

from .worker import Pipeline

ITEM = """<item>
  <title>{title}</title>
  <link>https://example.org/{slug}</link>
  <guid isPermaLink="false">{guid}</guid>
  <pubDate>Sat, 25 Nov 2017 10:00:00 +0000</pubDate>
  <description><![CDATA[{html}]]></description>
</item>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Syrian Observatory &amp; Friends</title>
  <link>https://example.org/</link>
  <description>test feed</description>
  {items}
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Desk</title>
  <link href="https://atom.example.org/"/>
  <id>urn:uuid:feed-1</id>
  <updated>2017-11-25T12:00:00Z</updated>
  <entry>
    <title>ISIS withdraws from Aleppo countryside</title>
    <link href="https://atom.example.org/a/1"/>
    <id>urn:uuid:entry-1</id>
    <updated>2017-11-25T12:00:00Z</updated>
    <summary type="html">&lt;p&gt;ISIS withdrew from the &lt;b&gt;southern countryside&lt;/b&gt; of Aleppo.&lt;/p&gt;</summary>
  </entry>
</feed>"""


def item(n: int, text: str = "A Brigadier was killed in an IED explosion near Maskanah.") -> str:
    return ITEM.format(title=f"Report {n}", slug=f"r{n}", guid=f"{n}", html=f"<p>{text}</p><script>x()</script>")


def rss(*numbers: int) -> str:
    return RSS.format(items="\n".join(item(n) for n in numbers))


def entries(text: str, url: str = "https://example.org/feed.xml"):
    return parse(Fetched(200, text.encode(), "application/rss+xml"), url)


# ---- pure parts ----

@pytest.mark.parametrize("fragment, expected", [
    ("<p>One &amp; two</p><p>three</p>", "One & two\n\nthree"),
    ("plain", "plain"),
    ("<script>alert(1)</script>kept<style>p{}</style>", "kept"),
    ("a&nbsp;b <b>bold</b>", "a b bold"),
    (None, ""),
], ids=["paragraphs", "plain", "script-style", "nbsp-inline", "none"])
def test_strip_html(fragment, expected):
    assert strip_html(fragment) == expected


def test_rss_entry_becomes_report():
    feed, items = entries(rss(1))
    report = entry_to_report(items[0], feed.get("title"), "https://example.org/feed.xml", feed.get("link"))
    assert report.title == "Report 1"
    assert report.text == "Report 1\n\nA Brigadier was killed in an IED explosion near Maskanah."
    assert report.url == "https://example.org/r1"
    assert report.source.name == "Syrian Observatory & Friends" and report.source.url == "https://example.org/"
    assert report.published_at.isoformat() == "2017-11-25T10:00:00+00:00"
    assert report.id.startswith("feed-")


def test_atom_entry_becomes_report():
    feed, items = entries(ATOM, "https://atom.example.org/atom.xml")
    report = entry_to_report(items[0], feed.get("title"), "https://atom.example.org/atom.xml", feed.get("link"))
    assert report.text == "ISIS withdraws from Aleppo countryside\n\nISIS withdrew from the southern countryside of Aleppo."
    assert report.source.name == "Atom Desk"
    assert report.id == report_id({"id": "urn:uuid:entry-1"}, "https://elsewhere.example/feed")  # global id: feed-independent


def test_report_id_is_stable_and_scopes_bare_guids():
    a = report_id({"id": "42", "title": "t"}, "https://a.example/feed")
    assert a == report_id({"id": "42", "title": "changed headline"}, "https://a.example/feed")
    assert a != report_id({"id": "42"}, "https://b.example/feed")
    assert report_id({"link": "https://x.example/1"}, "f") == report_id({"link": "https://x.example/1"}, "g")


class FakePublisher:
    def __init__(self, fail: bool = False):
        self.fail = fail
        self.batches: list[list[str]] = []

    def __call__(self, reports) -> int:
        if self.fail:
            raise RuntimeError("broker down")
        self.batches.append([r.id for r in reports])
        return len(reports)


def test_seen_entries_are_not_published_again_even_after_restart(tmp_path):
    body = {"text": rss(1, 2)}

    def fetcher(url, etag=None, modified=None):
        return Fetched(200, body["text"].encode(), "application/rss+xml")

    store = SeenStore(tmp_path / "feeds.sqlite")
    publish = FakePublisher()
    assert poll_feed("https://example.org/feed.xml", store, publish, fetcher).published == 2
    assert poll_feed("https://example.org/feed.xml", store, publish, fetcher).published == 0
    store.close()

    store = SeenStore(tmp_path / "feeds.sqlite")  # a restart
    body["text"] = rss(1, 2, 3)
    result = poll_feed("https://example.org/feed.xml", store, publish, fetcher)
    assert (result.entries, result.published, result.error) == (3, 1, None)
    assert [len(b) for b in publish.batches] == [2, 1]


def test_unchanged_feed_is_not_refetched(tmp_path):
    asked = []

    def fetcher(url, etag=None, modified=None):
        asked.append((etag, modified))
        if etag == '"v1"':
            return Fetched(304, etag=etag, modified=modified)
        return Fetched(200, rss(1).encode(), "application/rss+xml", etag='"v1"')

    store = SeenStore(tmp_path / "feeds.sqlite")
    publish = FakePublisher()
    first = poll_feed("https://example.org/feed.xml", store, publish, fetcher)
    second = poll_feed("https://example.org/feed.xml", store, publish, fetcher)
    assert (first.published, first.not_modified) == (1, False)
    assert (second.entries, second.published, second.not_modified, second.error) == (0, 0, True, None)
    assert asked == [(None, None), ('"v1"', None)]


def test_failed_publish_is_retried_on_the_next_poll(tmp_path):
    def fetcher(url, etag=None, modified=None):
        return Fetched(200, rss(1).encode(), "application/rss+xml")

    store = SeenStore(tmp_path / "feeds.sqlite")
    failed = poll_feed("https://example.org/feed.xml", store, FakePublisher(fail=True), fetcher)
    assert failed.error and "broker down" in failed.error and failed.published == 0
    assert poll_feed("https://example.org/feed.xml", store, FakePublisher(), fetcher).published == 1


def test_not_a_feed_is_an_error_not_an_exception(tmp_path):
    def fetcher(url, etag=None, modified=None):
        return Fetched(200, b"<html><body>hello", "text/html")

    result = poll_feed("https://example.org/", SeenStore(tmp_path / "s.sqlite"), FakePublisher(), fetcher)
    assert result.error and "not an RSS or Atom feed" in result.error


# ---- against a local HTTP server and the real broker ----

@pytest.fixture
def feed_server(tmp_path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server on 127.0.0.1 serving tmp_path/site; yields (feed URL, feed file)."""
    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml", site / "feed.xml"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


def ingest(pipeline: Pipeline, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "streams.cli", "ingest", "--feed", url, "--once"],
                          env=pipeline.env, cwd=pipeline.root, capture_output=True, text=True, timeout=120)


@pytest.mark.integration
def test_feed_is_ingested_once_and_a_second_poll_publishes_nothing_new(kafka_bootstrap, tmp_path, feed_server):
    url, feed_file = feed_server
    feed_file.write_text(rss(1, 2), encoding="utf-8")
    pipeline = Pipeline(kafka_bootstrap, tmp_path)
    settings = pipeline.settings
    ensure_topics(settings)

    first = ingest(pipeline, url)
    assert first.returncode == 0, first.stderr
    assert "published 2 new" in first.stderr
    reports = list(read_topic(settings, settings.reports_topic, idle_seconds=3))
    assert sorted(r["title"] for r in reports) == ["Report 1", "Report 2"]
    assert all(r["source"]["name"] == "Syrian Observatory & Friends" for r in reports)
    assert "<p>" not in reports[0]["text"] and "x()" not in reports[0]["text"]

    second = ingest(pipeline, url)  # a new process: only the sqlite file remembers (and its Last-Modified)
    assert second.returncode == 0, second.stderr
    assert "not modified since the last poll" in second.stderr

    before = feed_file.stat().st_mtime
    feed_file.write_text(rss(1, 2, 3), encoding="utf-8")  # the feed changes: only the new entry goes out
    os.utime(feed_file, (before + 5, before + 5))  # Last-Modified has 1 s resolution: make the change visible
    third = ingest(pipeline, url)
    assert third.returncode == 0 and "published 1 new" in third.stderr, third.stderr

    titles = sorted(r["title"] for r in read_topic(settings, settings.reports_topic, idle_seconds=3))
    assert titles == ["Report 1", "Report 2", "Report 3"]


@pytest.mark.integration
def test_unreachable_feed_fails_the_run_with_the_reason(kafka_bootstrap, tmp_path):
    from streams.broker import free_port

    pipeline = Pipeline(kafka_bootstrap, tmp_path)
    ensure_topics(pipeline.settings)
    result = ingest(pipeline, f"http://127.0.0.1:{free_port()}/feed.xml")
    assert result.returncode == 1
    assert "failed" in result.stderr and "Connection refused" in result.stderr
