"""Markdown report: golden files and escaping of every table cell."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interopcheck.report import markdown


def test_golden(good: dict[str, Any], flawed: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    golden("good.md", markdown.render(good))
    golden("flawed.md", markdown.render(flawed))


def test_cell_escapes_pipes_html_backticks_and_newlines() -> None:
    text = markdown.cell('a | b <script>alert(1)</script>\n`x` & [y](z)\r\nend')
    assert "|" not in text.replace("\\|", "")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\n" not in text and "\r" not in text and text.count("<br>") == 2
    assert "\\`x\\`" in text and "&amp;" in text and "\\[y\\]" in text


def test_every_table_row_keeps_its_columns(flawed: dict[str, Any]) -> None:
    text = markdown.render(flawed)
    assert "<script>" not in text
    for line in text.splitlines():
        if line.startswith("| HSG-API-01 | spec.https-servers"):
            unescaped_pipes = line.replace("\\|", "").count("|")
            assert unescaped_pipes == 5  # four cells
            break
    else:
        raise AssertionError("the problem row of HSG-API-01 is missing")


def test_summary_comes_first_and_names_the_verdict(flawed: dict[str, Any], good: dict[str, Any]) -> None:
    text = markdown.render(flawed)
    assert text.startswith("# Interoperability conformance report: Not conformant")
    assert "**MUSTs failed:** 2 of 4" in text
    assert text.index("## Not tested") < text.index("## Requirements")
    assert "## Problems found" not in markdown.render(good)


def test_claims_sit_beside_what_was_demonstrated_and_are_escaped(flawed: dict[str, Any]) -> None:
    import copy

    report = copy.deepcopy(flawed)
    report["outcomes"][0]["claimed"] = "served | over <b>https</b>"
    text = markdown.render(report)
    section = text[text.index("## Declaration: claimed and demonstrated") : text.index("## Problems found")]
    assert "maps 18 of the 20 fields the standards require (90%)" in section
    assert "| tenancy | 8 | 6 | 5 | 62% |" in section
    row = next(line for line in section.splitlines() if line.startswith("| HSG-API-01 |"))
    assert "served \\| over &lt;b&gt;https&lt;/b&gt;" in row and row.replace("\\|", "").count("|") == 5


def test_no_declaration_no_section(good: dict[str, Any]) -> None:
    import copy

    report = copy.deepcopy(good)
    report["declaration_coverage"] = None
    for outcome in report["outcomes"]:
        outcome["claimed"] = None
    assert "## Declaration" not in markdown.render(report)


def test_failed_musts_are_listed_under_the_verdict_and_the_table_has_titles_failures_first(flawed: dict[str, Any]) -> None:
    text = markdown.render(flawed)
    head = text[: text.index("## Outcomes by status")]
    assert head.index("**Verdict:**") < head.index("**Failed MUSTs (2 of 4):**")
    assert "  - HSG-API-01 **Served over HTTPS only**: 1 server URL uses plain http (spec.https-servers)" in head
    start = text.index("## Requirements")
    table = text[start : text.index("\n## ", start + 1)]
    ids = [line.split(" | ")[0][2:] for line in table.splitlines() if line.startswith("| HSG-")]
    assert ids[:3] == ["HSG-API-01", "HSG-API-14", "HSG-API-21"] and ids[-1] == "HSG-SEC-02"
    assert "| HSG-API-01 | Served over HTTPS only | MUST | ✗ Fail |" in table


def test_a_finding_points_at_its_record_and_field(flawed: dict[str, Any]) -> None:
    check = flawed["outcomes"][2]["checks"][0]
    check["findings"][0]["data"] = {"id": "PRP-0000001", "errors": [{"pointer": "/uprn", "message": "'uprn' is a required property", "kind": "required"}]}
    text = markdown.render(flawed)
    assert "record PRP-0000001, field /uprn: missing" in text
