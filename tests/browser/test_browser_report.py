"""Render the HTML reports in real headless Chromium: screenshot, PDF, and no console messages,
no network requests and a rendered summary, or the test fails.

Chromium comes from Debian's `chromium` package (scripts/install-browser.sh). A missing browser is
a failure, not a skip, so CI cannot pass without running these. Screenshots and PDFs are kept in
tests/browser/artifacts/ (gitignored) for people to look at.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from interopcheck.report import samples
from interopcheck.report.compare import compare, render_html
from interopcheck.report.html import render
from interopcheck.report.json_report import to_dict

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"
EXAMPLES = Path(__file__).resolve().parents[2] / "reports" / "examples"
# Chromium's own background traffic (updates, accounts) has no page initiator; the host resolver
# rule keeps it from leaving the machine anyway.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--enable-logging=stderr", "--v=0",
)
_CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(.*)")


@dataclass(frozen=True)
class BrowserRun:
    """What one Chromium invocation produced: stdout, console messages and the page's network requests."""

    stdout: str
    console: list[str]
    requests: list[str]


def _chromium() -> str:
    """The chromium executable, or a failure telling how to install it."""
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("chromium is not installed: run scripts/install-browser.sh (Debian package `chromium`)")
    return path


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked for (requests with a page initiator), from a Chromium net log."""
    data = json.loads(netlog.read_text(encoding="utf-8", errors="replace") or "{}")
    names = {v: k for k, v in data.get("constants", {}).get("logEventTypes", {}).items()}
    urls = []
    for event in data.get("events", []):
        params = event.get("params") or {}
        if names.get(event.get("type")) != "URL_REQUEST_START_JOB" or "url" not in params:
            continue
        from_page = params.get("initiator") != "not an origin" or "file://" in str(params.get("network_isolation_key", ""))
        if from_page and not params["url"].startswith(("file:", "data:")):
            urls.append(params["url"])
    return urls


def run_chromium(page: Path, action: list[str], tmp: Path) -> BrowserRun:
    """Open `page` in headless Chromium with `action` (--dump-dom, --screenshot=..., --print-to-pdf=...)."""
    netlog = tmp / f"netlog-{len(list(tmp.glob('netlog-*')))}.json"
    profile = tmp / f"profile-{netlog.stem}"
    argv = [_chromium(), *FLAGS, f"--user-data-dir={profile}", f"--log-net-log={netlog}", *action, page.as_uri()]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}"
    console = [m.group(1) for line in proc.stderr.splitlines() if (m := _CONSOLE.search(line))]
    return BrowserRun(proc.stdout, console, page_requests(netlog))


def _pages(tmp: Path) -> dict[str, Path]:
    """Write the pages to check into `tmp` and add any example reports."""
    good, flawed = to_dict(samples.conformant_report()), to_dict(samples.flawed_report())
    texts = {
        "good-report": render(good),
        "flawed-report": render(flawed),
        "comparison": render_html(compare([good, flawed], names=["good", "flawed"], links=["good-report.html", "flawed-report.html"])),
    }
    pages = {}
    for name, text in texts.items():
        pages[name] = tmp / f"{name}.html"
        pages[name].write_text(text, encoding="utf-8")
    pages.update(example_pages())
    return pages


def example_pages() -> dict[str, Path]:
    """The demo's HTML reports in reports/examples/ (good/report.html, flawed/report.html), found at any depth.

    Finding neither is a failure: a browser test that silently renders no example proves nothing about them.
    """
    found = {"example-" + "-".join(p.relative_to(EXAMPLES).with_suffix("").parts): p for p in sorted(EXAMPLES.rglob("*.html"))}
    if not found:
        pytest.fail(f"no example HTML report under {EXAMPLES}: regenerate them with `make examples`")
    missing = [name for name in ("example-good-report", "example-flawed-report") if name not in found]
    if missing:
        pytest.fail(f"demo reports {', '.join(missing)} missing under {EXAMPLES} (found {', '.join(found)}): run `make examples`")
    return found


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample reports, the comparison page and any example reports, as files on disk."""
    _chromium()
    return _pages(tmp_path_factory.mktemp("pages"))


def test_both_demo_reports_are_rendered(pages: dict[str, Path]) -> None:
    assert pages["example-good-report"] == EXAMPLES / "good" / "report.html"
    assert pages["example-flawed-report"] == EXAMPLES / "flawed" / "report.html"


def test_reports_render_print_and_stay_offline(pages: dict[str, Path], tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, page in pages.items():
        dom = run_chromium(page, ["--dump-dom"], tmp_path)
        shot = run_chromium(page, ["--hide-scrollbars", "--window-size=1280,1800", f"--screenshot={ARTIFACTS / name}.png"], tmp_path)
        pdf = run_chromium(page, ["--no-pdf-header-footer", f"--print-to-pdf={ARTIFACTS / name}.pdf"], tmp_path)
        for run in (dom, shot, pdf):
            assert run.console == [], f"{name}: console messages {run.console}"
            assert run.requests == [], f"{name}: network requests {run.requests}"
        heading = "Bidder comparison" if name == "comparison" else "Executive summary"
        assert re.search(rf"<h[12][^>]*>{heading}</h[12]>", dom.stdout), f"{name}: the page did not render its heading"
        assert "<table" in dom.stdout
        png = (ARTIFACTS / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 10_000, f"{name}: no real screenshot"
        pdf_bytes = (ARTIFACTS / f"{name}.pdf").read_bytes()
        assert pdf_bytes.startswith(b"%PDF") and len(pdf_bytes) > 5_000, f"{name}: no real PDF"


def test_detects_console_messages_and_network_requests(tmp_path: Path) -> None:
    """The negative control: a page that logs and fetches must be caught, or the checks above prove nothing."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head><body>'
        '<h1>Executive summary</h1><img src="http://127.0.0.1:9/tracker.png" alt="">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    run = run_chromium(bad, ["--dump-dom"], tmp_path)
    assert any("boom" in m for m in run.console)
    assert run.requests == ["http://127.0.0.1:9/tracker.png"]
