"""Bidder comparison: differences first, links to evidence, MUST gates and SHOULD scores, mixed profiles refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from interopcheck.errors import ReportError, UsageError
from interopcheck.report.compare import compare, html_link_for, render_csv, render_html, render_md

EXAMPLES = Path(__file__).resolve().parents[2] / "reports" / "examples"


def test_differences_first_with_links(good: dict[str, Any], flawed: dict[str, Any]) -> None:
    result = compare([good, flawed], names=["alpha", "beta"], links=["alpha/report.html", "beta/report.html"])
    differing = [r.requirement_id for r in result.rows if r.differs]
    assert differing == ["HSG-API-01", "HSG-API-03", "HSG-API-14", "HSG-API-21", "HSG-EXP-07"]
    assert [r.requirement_id for r in result.rows[: len(differing)]] == differing
    assert [r.requirement_id for r in result.rows[len(differing):]] == ["HSG-SEC-02", "HSG-ATT-01"]
    first = result.rows[0]
    assert [c.status for c in first.cells if c] == ["pass", "fail"]
    assert first.cells[1] is not None and first.cells[1].link == "beta/report.html#req-HSG-API-01"


def test_gates_and_should_scores(good: dict[str, Any], flawed: dict[str, Any]) -> None:
    a, b = compare([good, flawed]).bidders
    assert (a.name, a.gate_passed, a.musts_failed, a.shoulds_met, a.shoulds_decided) == ("Bidder A", True, 0, 2, 2)
    assert (b.name, b.gate_passed, b.musts_failed, b.shoulds_met, b.shoulds_decided) == ("Bidder B", False, 2, 0, 2)
    assert a.score == 100.0 and b.score == flawed["score"]["value"]


def test_identical_reports_have_no_differences(good: dict[str, Any]) -> None:
    assert not any(r.differs for r in compare([good, good], names=["x", "y"]).rows)


def test_missing_requirement_is_a_difference(good: dict[str, Any], flawed: dict[str, Any]) -> None:
    flawed["outcomes"] = flawed["outcomes"][:-1]
    row = next(r for r in compare([good, flawed]).rows if r.requirement_id == "HSG-ATT-01")
    assert row.differs and row.cells[1] is None


def test_mixed_profiles_refused_unless_allowed(good: dict[str, Any], flawed: dict[str, Any]) -> None:
    flawed["profile"]["version"] = "1.1.0"
    with pytest.raises(ReportError, match="different profiles .*profile version: Bidder A 1.0.0, Bidder B 1.1.0"):
        compare([good, flawed])
    result = compare([good, flawed], allow_mixed=True)
    assert result.mixed == ("profile version: Bidder A 1.0.0, Bidder B 1.1.0",)
    assert "profile version: Bidder A 1.0.0, Bidder B 1.1.0" in render_html(result)
    assert "profile version" in render_md(result)


def test_needs_two_distinct_reports(good: dict[str, Any]) -> None:
    with pytest.raises(ReportError, match="at least two"):
        compare([good])
    with pytest.raises(ReportError, match="same bidder name"):
        compare([good, good], names=["x", "x"])


def test_csv(good: dict[str, Any], flawed: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(compare([good, flawed], names=["alpha", "beta"])))))
    assert rows[0] == ["requirement_id", "title", "level", "differs", "alpha", "beta"]
    assert rows[1] == ["", "verdict", "", "", "conformant", "not_conformant"]
    assert rows[4] == ["HSG-API-01", "Served over HTTPS only", "MUST", "yes", "pass", "fail"]


def test_md_and_html_link_each_cell(good: dict[str, Any], flawed: dict[str, Any]) -> None:
    result = compare([good, flawed], names=["a|b", "beta"], links=["a.html", "beta.html"])
    md = render_md(result)
    assert "[✗ Fail](beta.html#req-HSG-API-01)" in md and "a\\|b" in md
    page = render_html(result)
    assert 'href="beta.html#req-HSG-API-01"' in page and "<script" not in page
    assert page.index("HSG-API-01") < page.index("HSG-SEC-02")  # differences first
    assert 'lang="en"' in page and 'scope="col"' in page


def test_html_link_for_is_relative(tmp_path: Path) -> None:
    (tmp_path / "bids" / "a").mkdir(parents=True)
    (tmp_path / "out").mkdir()
    assert html_link_for(tmp_path / "bids" / "a" / "report.json", tmp_path / "out") == "../bids/a/report.html"


def test_compare_paths_and_write(tmp_path: Path, good: dict[str, Any], flawed: dict[str, Any]) -> None:
    from interopcheck.report.compare import compare_paths, write_comparison
    from interopcheck.report.writer import write_reports

    for name, report in (("a", good), ("b", flawed)):
        (tmp_path / "bids" / name).mkdir(parents=True)
        write_reports(report, tmp_path / "bids" / name, ["json"])
    out = tmp_path / "out" / "round-1"  # does not exist yet, nor does its parent: write_comparison creates both
    result = compare_paths([tmp_path / "bids" / n / "report.json" for n in "ab"], out)
    assert [b.name for b in result.bidders] == ["a/report", "b/report"]
    assert result.rows[0].cells[1] is not None and result.rows[0].cells[1].link == "../../bids/b/report.html#req-HSG-API-01"
    assert not out.exists()
    paths = write_comparison(result, out, ["html", "csv", "md"])
    assert [p.name for p in paths] == ["comparison.html", "comparison.csv", "comparison.md"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # and no temp files left
    with pytest.raises(UsageError, match="unknown comparison format pdf"):
        write_comparison(result, out, ["pdf"])


def test_failing_format_creates_no_folder(tmp_path: Path, good: dict[str, Any], flawed: dict[str, Any]) -> None:
    from interopcheck.report.compare import write_comparison

    out = tmp_path / "out"
    with pytest.raises(UsageError, match="unknown comparison format pdf"):
        write_comparison(compare([good, flawed]), out, ["html", "pdf"])
    assert not out.exists()


def test_output_folder_that_cannot_be_created_is_a_report_error(tmp_path: Path, good: dict[str, Any], flawed: dict[str, Any]) -> None:
    from interopcheck.report.compare import write_comparison

    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ReportError, match="cannot create the output folder .*a-file/out.*choose another --output-dir"):
        write_comparison(compare([good, flawed]), tmp_path / "a-file" / "out", ["csv"])


def test_demo_reports_show_each_injected_fault_as_a_difference() -> None:
    """Issue 7's "Done when": comparing the good and flawed demo reports shows every fault's requirement as a difference."""
    from interopcheck.engine.demo import FLAWED_FAULTS
    from interopcheck.report.compare import compare_paths
    from interopcheck.sandbox.faults import FAULTS

    result = compare_paths([EXAMPLES / "good" / "report.json", EXAMPLES / "flawed" / "report.json"], EXAMPLES / "compare")
    assert [b.name for b in result.bidders] == ["Example Housing Ltd (good/report)", "Example Housing Ltd (flawed/report)"]  # one supplier twice
    rows = {r.requirement_id: r for r in result.rows}
    expected = {req: fault for fault in FLAWED_FAULTS for req in FAULTS[fault].requirements}
    assert len(expected) >= len(FLAWED_FAULTS) == 9
    leading = {r.requirement_id for r in result.rows[: sum(r.differs for r in result.rows)]}
    table = {r[0]: r for r in csv.reader(io.StringIO(render_csv(result)))}
    for req, fault in expected.items():
        row = rows[req]
        good_cell, flawed_cell = row.cells
        assert good_cell is not None and flawed_cell is not None, f"{fault}: {req} missing from a demo report"
        assert row.differs and req in leading, f"{fault}: {req} is not shown as a difference"
        assert good_cell.status == "pass", f"{fault}: {req} is {good_cell.status} in the good demo report"
        assert flawed_cell.status == ("fail" if row.level == "MUST" else "warn"), f"{fault}: {req} is {flawed_cell.status}: {flawed_cell.reason}"
        assert flawed_cell.link == f"../flawed/report.html#req-{req}"
        assert table[req][3:] == ["yes", "pass", flawed_cell.status]
    assert result.bidders[0].gate_passed and not result.bidders[1].gate_passed


def _with_supplier(report: dict[str, Any], name: str | None) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(report)
    out["run"]["supplier"] = name
    return out


def test_names_default_to_the_declared_supplier(tmp_path: Path, good: dict[str, Any], flawed: dict[str, Any]) -> None:
    from interopcheck.report.compare import compare_paths
    from interopcheck.report.writer import write_reports

    for name, report in (("a", _with_supplier(good, "Acme Housing")), ("b", _with_supplier(flawed, None))):
        (tmp_path / name).mkdir()
        write_reports(report, tmp_path / name, ["json"])
    paths = [tmp_path / n / "report.json" for n in "ab"]
    assert [b.name for b in compare_paths(paths, tmp_path / "out").bidders] == ["Acme Housing", "b/report"]
    named = compare_paths(paths, tmp_path / "out", names=["Supplier A", "Supplier B"])
    assert [b.name for b in named.bidders] == ["Supplier A", "Supplier B"]
    with pytest.raises(UsageError, match="--name given 1 times for 2 reports"):
        compare_paths(paths, tmp_path / "out", names=["Supplier A"])


def test_the_same_supplier_twice_is_told_apart(tmp_path: Path, good: dict[str, Any], flawed: dict[str, Any]) -> None:
    from interopcheck.report.compare import compare_paths
    from interopcheck.report.writer import write_reports

    for name, report in (("a", good), ("b", flawed)):
        (tmp_path / name).mkdir()
        write_reports(_with_supplier(report, "Acme Housing"), tmp_path / name, ["json"])
    paths = [tmp_path / n / "report.json" for n in "ab"]
    assert [b.name for b in compare_paths(paths, tmp_path / "out").bidders] == ["Acme Housing (a/report)", "Acme Housing (b/report)"]


def test_a_run_records_the_declared_supplier(tmp_path: Path) -> None:
    from interopcheck.engine.run import RunRequest, run

    spec = tmp_path / "spec.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1.0.0'}\npaths: {}\n", encoding="utf-8")
    declaration = Path(__file__).resolve().parents[2] / "src/interopcheck/sandbox/declaration.yaml"
    artifacts = run(RunRequest(spec=str(spec), declaration=str(declaration)))
    assert artifacts.report.run.supplier == "Example Housing Ltd"


def test_cli_takes_a_name_per_report(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from interopcheck.cli import cli

    args = ["compare", str(EXAMPLES / "good" / "report.json"), str(EXAMPLES / "flawed" / "report.json"), "--output-dir", str(tmp_path), "--format", "csv"]
    result = CliRunner().invoke(cli, [*args, "--name", "Supplier A", "--name", "Supplier B"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "comparison.csv").read_text(encoding="utf-8").splitlines()[0].endswith(",Supplier A,Supplier B")
