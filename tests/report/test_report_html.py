"""HTML report: golden files, self-containment, escaping, accessibility basics and the summary-first order."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from interopcheck.report import html
from interopcheck.report.common import anchor


class _Collector(HTMLParser):
    """Collects tags, attributes and ids so tests can reason about the document's structure."""

    def __init__(self) -> None:
        """Start with no tags collected."""
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record one start tag."""
        self.tags.append((tag, dict(attrs)))


def _parse(text: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every start tag of `text` with its attributes."""
    parser = _Collector()
    parser.feed(text)
    return parser.tags


def test_golden(good: dict[str, Any], flawed: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    golden("good.html", html.render(good))
    golden("flawed.html", html.render(flawed))


def test_self_contained_no_scripts_nothing_fetched(flawed: dict[str, Any]) -> None:
    text = html.render(flawed)
    tags = _parse(text)
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    assert not any(k.startswith("on") for _, attrs in tags for k in attrs)
    assert "<style>" in text and "url(" not in text and "@import" not in text
    for tag, attrs in tags:
        if tag == "a":
            assert (attrs.get("href") or "").startswith("#")


def test_supplier_text_is_escaped(flawed: dict[str, Any]) -> None:
    flawed["outcomes"][2]["checks"][0]["findings"][0]["exchange"]["response"]["body"] = "</pre><img src=x onerror=alert(1)>"
    text = html.render(flawed)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text


def test_summary_first_then_table_then_details_then_run(flawed: dict[str, Any]) -> None:
    text = html.render(flawed)
    order = [text.index(f'id="{i}"') for i in ("summary", "not-tested", "requirements", "details", "run")]
    assert order == sorted(order)
    summary = text[order[0]:order[2]]
    assert "Not conformant" in summary and "2 of 4" in summary and "27.3" in summary and "weights MUST=3" in summary
    assert "the sandbox timed out" in summary  # what was not tested, and why


def test_accessibility_basics(flawed: dict[str, Any]) -> None:
    text = html.render(flawed)
    tags = _parse(text)
    assert ("html", {"lang": "en"}) in tags
    headings = [t for t, _ in tags if re.fullmatch(r"h[1-6]", t)]
    assert headings[0] == "h1" and headings.count("h1") == 1
    assert all(attrs.get("scope") in ("col", "row") for t, attrs in tags if t == "th")
    # outcomes never by colour alone: every status span carries a symbol and a word
    for label in ("✗ Fail", "! Warning", "⚠ Error", "– Skipped", "✎ Attested", "∅ Not applicable"):
        assert label in text
    assert "@media print" in text


def test_requirement_links_resolve_to_details(flawed: dict[str, Any]) -> None:
    tags = _parse(html.render(flawed))
    ids = {attrs["id"] for _, attrs in tags if attrs.get("id")}
    hrefs = {attrs["href"][1:] for t, attrs in tags if t == "a" and attrs.get("href")}
    assert hrefs <= ids
    assert {anchor(o["requirement_id"]) for o in flawed["outcomes"]} <= ids
    assert len([a for _, a in tags if a.get("id")]) == len(ids)  # ids are unique


def test_evidence_and_metadata_are_shown(flawed: dict[str, Any]) -> None:
    text = html.render(flawed)
    assert "<code>/servers/0/url</code>, line 7" in text
    assert "GET https://sandbox.test/v1/properties?page=2</code> → HTTP 200" in text
    assert "curl -H &#39;Authorization: Bearer $TOKEN&#39;" in text
    assert "failed: read timeout after 30 s" in text
    assert "property: collection listProperties" in text  # claimed, beside demonstrated
    for value in ("a" * 64, "b" * 64, "https://sandbox.test/v1", "42", "2026-11-01T10:02:30Z", "interopcheck 0.1.0"):
        assert value in text
