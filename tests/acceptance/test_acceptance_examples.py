"""reports/examples/ holds the demo's good and flawed reports in every format; they must not drift.

The test regenerates both with the demo (the real sandbox over loopback HTTP) and compares every
file after blanking what legitimately changes between runs: times, durations, ports, job ids.
Regenerate with `make examples` when a change to the reports is intended.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from interopcheck.engine.demo import run_demo

from .conftest import ROOT

pytestmark = pytest.mark.acceptance

EXAMPLES = ROOT / "reports" / "examples"
FORMATS = ("json", "md", "html", "junit", "sarif")
_VOLATILE = [
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)"), "TIMESTAMP"),
    (re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT"), "HTTP-DATE"),
    (re.compile(r"(TestCaseId\W+)[A-Za-z0-9]+"), r"\1ID"),
    (re.compile(r"export-jobs/[0-9a-f]+"), "export-jobs/ID"),
    (re.compile(r"\d+(\.\d+)? ?(ms|s)\b"), "N \\2"),
    (re.compile(r"(_ms|duration|elapsed|time)(\W{1,4})[0-9.]+"), r"\1\2N"),
]


def normalise(text: str) -> str:
    """`text` with run-to-run noise blanked out (HTML entities decoded first, so `&#34;` reads as a quote)."""
    text = html.unescape(text)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


@pytest.mark.parametrize("variant", ["good", "flawed"])
def test_example_reports_match_a_fresh_demo(variant: str, tmp_path: Path) -> None:
    _, written = run_demo(variant, tmp_path, formats=FORMATS)
    stored = EXAMPLES / variant
    assert stored.is_dir(), "reports/examples is missing: run `make examples`"
    assert sorted(p.name for p in written) == sorted(p.name for p in stored.iterdir())
    for path in written:
        fresh, kept = normalise(path.read_text()), normalise((stored / path.name).read_text())
        assert fresh == kept, f"reports/examples/{variant}/{path.name} drifted from the demo; run `make examples` if intended"
