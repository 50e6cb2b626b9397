"""The HTML tender annex renders in real headless Chromium: no console messages, no network requests,
its headings and tables rendered, a screenshot and a PDF made (kept in tests/browser/artifacts/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from interopcheck.profile.load import load_profile
from interopcheck.profile.render import render_annex

from .test_browser_report import ARTIFACTS, _chromium, run_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "profiles" / "housing" / "overlays" / "example-borough.yaml"


def test_the_html_annex_renders_prints_and_stays_offline(tmp_path: Path) -> None:
    _chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    profile = load_profile("housing", [OVERLAY])
    page = tmp_path / "annex.html"
    page.write_text(render_annex(profile, "html", None, load_profile("housing")), encoding="utf-8")
    dom = run_chromium(page, ["--dump-dom"], tmp_path)
    shot = run_chromium(page, ["--hide-scrollbars", "--window-size=1280,1800", f"--screenshot={ARTIFACTS / 'annex'}.png"], tmp_path)
    pdf = run_chromium(page, ["--no-pdf-header-footer", f"--print-to-pdf={ARTIFACTS / 'annex'}.pdf"], tmp_path)
    for run in (dom, shot, pdf):
        assert run.console == [], f"console messages {run.console}"
        assert run.requests == [], f"network requests {run.requests}"
    for heading in ("Preamble", "Requirements at a glance", "Departures from the shared core", "Test process", "Glossary"):
        assert re.search(rf"<h2[^>]*>{heading}</h2>", dom.stdout), f"the page did not render its {heading!r} heading"
    first = profile.requirements[0]
    assert f'<h3 id="{first.id}-h">1. {first.id}: ' in dom.stdout
    assert dom.stdout.count("<table") > 10
    png = (ARTIFACTS / "annex.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000, "no real screenshot"
    pdf_bytes = (ARTIFACTS / "annex.pdf").read_bytes()
    assert pdf_bytes.startswith(b"%PDF") and len(pdf_bytes) > 5_000, "no real PDF"
