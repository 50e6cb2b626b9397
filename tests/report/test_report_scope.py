"""The report's scope: `modules` and `standards_year` in the JSON (schema 1.1), Markdown, HTML and the CLI summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interopcheck.cli import scope_lines
from interopcheck.errors import ReportError
from interopcheck.report import html, markdown, samples
from interopcheck.report.json_report import REPORT_SCHEMA_VERSION, check_report, load_report, validation_errors


def test_schema_1_1_requires_modules_and_standards_year(good: dict[str, Any]) -> None:
    assert REPORT_SCHEMA_VERSION == "1.2" and good["schema_version"] == "1.2"
    for key in ("modules", "standards_year"):
        broken = {k: v for k, v in good.items() if k != key}
        assert any(f"'{key}' is a required property" in e for e in validation_errors(broken)), key
    bad = json.loads(json.dumps(good))
    bad["modules"]["required_from"] = "guess"
    assert any("/modules/required_from" in e for e in validation_errors(bad))


def test_a_1_0_report_without_them_still_reads(tmp_path: Path, good: dict[str, Any]) -> None:
    old = {k: v for k, v in good.items() if k not in ("modules", "standards_year")} | {"schema_version": "1.0"}
    path = tmp_path / "report.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    assert load_report(path)["schema_version"] == "1.0"
    assert "Standards year" not in markdown.render(old)  # renderers cope without the scope
    html.render(old)
    with pytest.raises(ReportError, match="this tool reads '1.0' and '1.1'"):
        check_report(old | {"schema_version": "2.0"})


def test_markdown_shows_the_year_and_the_modules(flawed: dict[str, Any]) -> None:
    text = markdown.render(flawed)
    assert "- **Standards year:** 2026/27" in text
    assert "- **Modules required:** tenancy-management, repairs (--require-modules)" in text
    assert "- **Modules offered:** tenancy-management, repairs, leasehold (the declaration)" in text
    assert "- **Module asb:** not applicable: module asb is neither required by the tender nor offered by the product" in text


def test_html_shows_the_year_and_the_modules(good: dict[str, Any]) -> None:
    page = html.render(good)
    assert "<dt>Standards year</dt><dd>2026/27</dd>" in page
    assert "<dt>Modules applicable</dt><dd>tenancy-management, repairs, leasehold</dd>" in page
    assert "<dt>Entities in scope</dt><dd>property, person, tenancy, repair, leasehold</dd>" in page


def test_cli_summary_lines() -> None:
    lines = scope_lines(samples.conformant_report())
    assert lines == [
        "modules: required tenancy-management, repairs (--require-modules); offered tenancy-management, repairs, leasehold "
        "(the declaration); applicable tenancy-management, repairs, leasehold",
        "standards year: 2026/27",
    ]
