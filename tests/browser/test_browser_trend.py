"""The history's trend page (and a report with its regressions section) in real headless Chromium: the SVG chart and
the grid render, every grid cell says its outcome in text, nothing is fetched, nothing logs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interopcheck.history.records import StoredRun
from interopcheck.history.trend import build_trend
from interopcheck.history.trend_html import render_trend

from .test_browser_report import ARTIFACTS, run_chromium

pytestmark = pytest.mark.browser

HELPERS = Path(__file__).resolve().parents[1] / "history" / "helpers.py"


def _record(statuses: dict[str, str] | None) -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location("history_helpers", HELPERS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.record("Reference Housing Ltd", statuses, n=24)


def test_trend_page_renders_its_chart_and_grid_offline(tmp_path: Path) -> None:
    flawed = {"HSG-API-01": "fail", "HSG-API-03": "fail", "HSG-API-04": "warn", "HSG-API-05": "error", "HSG-API-07": "skip"}
    runs = [StoredRun(i + 1, f"2026-0{i + 1}-01T09:00:00+00:00", _record(s)) for i, s in enumerate((None, flawed, None, {"HSG-API-09": "fail"}))]  # type: ignore[arg-type]
    page = tmp_path / "trend.html"
    page.write_text(render_trend(build_trend("Reference Housing Ltd", runs)), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    dom = run_chromium(page, ["--dump-dom"], tmp_path)
    shot = run_chromium(page, ["--hide-scrollbars", "--window-size=1280,1600", f"--screenshot={ARTIFACTS / 'history-trend'}.png"], tmp_path)
    pdf = run_chromium(page, ["--no-pdf-header-footer", f"--print-to-pdf={ARTIFACTS / 'history-trend'}.pdf"], tmp_path)
    for run in (dom, shot, pdf):
        assert run.console == [] and run.requests == []
    assert re.search(r"<h2[^>]*>Score and MUSTs failed over time</h2>", dom.stdout)
    svg = dom.stdout.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<circle") == 4 and svg.count("<rect") == 4 and svg.count("<polyline") == 2
    cells = re.findall(r'<td class="cell status-([a-z_]+)"[^>]*>(.*?)</td>', dom.stdout, re.S)
    assert len(cells) == 24 * 4
    assert all(re.sub(r"<[^>]+>", "", text).strip() for _, text in cells), "a grid cell says its outcome by colour alone"
    assert ("fail", "✗ FAIL<span class=\"change\">↓ regressed</span>") in cells and ("pass", "✓ pass<span class=\"change\">↑ recovered</span>") in cells
    png = (ARTIFACTS / "history-trend.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert (ARTIFACTS / "history-trend.pdf").read_bytes().startswith(b"%PDF")
