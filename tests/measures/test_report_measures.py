"""report.json's `measures` (schema) and the table the Markdown and HTML reports show."""

from __future__ import annotations

from interopcheck.report import html, markdown, samples
from interopcheck.report.json_report import to_dict, validation_errors


def _report() -> dict:
    return to_dict(samples.conformant_report())


def test_measures_are_valid_against_the_report_schema() -> None:
    report = _report()
    assert report["measures"][0]["id"] == "RP02(1)"
    assert not validation_errors(report)
    report["measures"][0]["numerator"] = -1
    assert validation_errors(report)


def test_markdown_shows_the_measures_table() -> None:
    text = markdown.render(_report())
    assert "## Regulatory measures" in text
    assert "| Measure | Formula | Numerator | Denominator | Value | Period | Source |" in text
    assert "| 45 | 50 | 90.0% | 2025-04-01/2026-03-31 |" in text
    assert "missing: 2 records lack a field it needs" in text
    assert "none: no compliance-certificate export is declared" in text


def test_html_shows_the_measures_table() -> None:
    page = html.render(_report())
    assert '<h2 id="measures">Regulatory measures</h2>' in page
    assert "<td>90.0%</td>" in page and "missing: 2 records lack a field it needs" in page


def test_no_measures_no_table() -> None:
    report = _report()
    report["measures"] = None
    assert "Regulatory measures" not in markdown.render(report)
    assert 'id="measures"' not in html.render(report)
    assert not validation_errors(report)
