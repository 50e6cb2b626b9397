"""HTML report: golden files, self-containment, escaping, accessibility basics and the summary-first order."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

from interopcheck.report import html
from interopcheck.report.common import anchor
from interopcheck.report.evidence import finding_anchor, unique_checks


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
    assert "curl -H 'Authorization: Bearer $TOKEN'" in text
    assert "failed: read timeout after 30 s" in text
    assert "property: collection listProperties" in text  # claimed, beside demonstrated
    for value in ("a" * 64, "b" * 64, "https://sandbox.test/v1", "42", "2026-11-01T10:02:30Z", "interopcheck 0.1.0"):
        assert value in text


def test_failed_musts_are_listed_under_the_verdict_with_title_and_reason(flawed: dict[str, Any]) -> None:
    text = html.render(flawed)
    verdict, counts = text.index("Verdict: ✗ Not conformant"), text.index("Requirements by outcome")
    listed = text[verdict:counts]
    assert 'id="failed-musts"' in listed
    assert "Served over HTTPS only</strong>: 1 server URL uses plain http (spec.https-servers)" in listed
    assert "Pagination walks to its end</strong>: page 2 links to itself (a loop) (live.pagination)" in listed
    assert "Responses within 2 s" not in listed  # a SHOULD, and an error, is not a failed MUST


def test_requirements_table_shows_titles_failures_first(flawed: dict[str, Any]) -> None:
    text = html.render(flawed)
    table = text[text.index('id="requirements"'):text.index('id="details"')]
    rows = re.findall(r'<tr><th scope="row"><a href="#req-([A-Z0-9-]+)">[^<]+</a></th><td>([^<]+)</td>', table)
    assert [r for r, _ in rows] == ["HSG-API-01", "HSG-API-14", "HSG-API-21", "HSG-API-03", "HSG-EXP-07", "HSG-ATT-01", "HSG-SEC-02"]
    assert rows[0][1] == "Served over HTTPS only"


def test_summary_lines_sit_right_under_the_verdict(flawed: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html, "summary_lines", lambda report: ["score 23.1 over 5 of 7 requirements"])
    text = html.render(flawed)
    after = text[text.index("Verdict: ✗ Not conformant"):]
    assert after.index("score 23.1 over 5 of 7 requirements") < after.index('id="failed-musts"')


def test_a_body_cited_by_many_findings_is_shown_once(flawed: dict[str, Any]) -> None:
    body = '{"data": [' + ", ".join(f'{{"id": "PRP-{i:07d}", "uprn": null}}' for i in range(200)) + "]}"
    check = flawed["outcomes"][2]["checks"][0]
    exchange = check["findings"][0]["exchange"]
    exchange["response"]["body"] = body
    check["findings"] = [
        {"message": f"property PRP-{i:07d}: /uprn: missing", "location": None, "exchange": exchange,
         "data": {"id": f"PRP-{i:07d}", "errors": [{"pointer": "/uprn", "message": "'uprn' is a required property", "kind": "required"}]}}
        for i in range(43)
    ]
    text = html.render(flawed)
    assert text.count('"id": "PRP-0000199"') == 1
    assert "record <code>PRP-0000042</code>, field <code>/uprn</code>: missing" in text
    ids = {attrs["id"] for _, attrs in _parse(text) if attrs.get("id")}
    for check, _ in unique_checks(flawed).values():
        for kind in ("finding", "evidence"):
            for index, _f in enumerate(check.get(kind + "s" if kind == "finding" else kind, []), 1):
                assert finding_anchor(check["check_id"], kind, index) in ids


def test_prints_on_a4_with_repeated_table_headers(flawed: dict[str, Any]) -> None:
    text = html.render(flawed)
    assert "@page { size: A4" in text
    assert "thead { display: table-header-group; }" in text
    assert "break-inside: avoid" in text
