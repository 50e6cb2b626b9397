"""A megabyte-long value in a description is quoted, not copied, into every report format (issue 19, item 4's tail).

Before: a 45 MB `openapi` string was copied into the check's summary, finding and evidence, making a
180 MB report.json and a 1.2 GB peak in the JSON writer.
"""

from __future__ import annotations

import json
from pathlib import Path

from limits import run_limited

from interopcheck.model import MAX_TEXT_CHARS, CheckResult, Finding, Status, clip_text

LONG = 2_000_000


def test_a_long_value_is_cut_in_every_report(tmp_path: Path) -> None:
    spec = tmp_path / "long.json"
    spec.write_text(json.dumps({"openapi": "3" + "x" * LONG, "info": {"title": "t", "version": "1"}, "paths": {}}))
    out = tmp_path / "out"
    result = run_limited(["check", "--spec", str(spec), "--output-dir", str(out), "--format", "json,md,html,junit,sarif"], tmp_path, timeout_s=120)
    result.assert_handled()
    for report in out.iterdir():
        assert report.stat().st_size < LONG // 4, f"{report.name} copies the long value ({report.stat().st_size:,} bytes)"
    assert "more characters not shown" in (out / "report.json").read_text()


def test_messages_and_summaries_are_clipped_with_the_count_cut() -> None:
    long = "y" * (MAX_TEXT_CHARS + 10)
    finding = Finding(long)
    result = CheckResult("spec.x", Status.FAIL, long, findings=(finding,))
    assert finding.message == result.summary == clip_text(long)
    assert finding.message.endswith("(10 more characters not shown)")
    assert Finding("short").message == "short"
