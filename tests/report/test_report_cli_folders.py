"""`compare` and `report render` from the command line create their output folder (parents too), as `check` does,
and a refused comparison creates nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "reports" / "examples"
GOOD, FLAWED = EXAMPLES / "good" / "report.json", EXAMPLES / "flawed" / "report.json"


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m interopcheck ARGS` in `cwd`, as a user would."""
    return subprocess.run([sys.executable, "-m", "interopcheck", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ}, check=False)


def _files(folder: Path) -> list[str]:
    """Every file under `folder`, relative, sorted (temp files would show up here too)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_compare_creates_its_default_folder_on_a_fresh_clone(tmp_path: Path) -> None:
    """The README's `interopcheck compare a.json b.json` writes into reports/compare, which a fresh clone lacks."""
    assert not (tmp_path / "reports").exists()
    result = _cli(["compare", str(GOOD), str(FLAWED)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote reports/compare/comparison.{ext}" for ext in ("html", "csv", "md")]
    assert _files(tmp_path) == ["reports/compare/comparison.csv", "reports/compare/comparison.html", "reports/compare/comparison.md"]
    assert "Bidder comparison" in (tmp_path / "reports" / "compare" / "comparison.html").read_text(encoding="utf-8")


def test_compare_creates_a_nested_output_dir(tmp_path: Path) -> None:
    out = tmp_path / "tender" / "round-1" / "compare"
    result = _cli(["compare", str(GOOD), str(FLAWED), "--output-dir", str(out), "--format", "csv"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _files(tmp_path) == ["tender/round-1/compare/comparison.csv"]


def test_report_render_creates_a_missing_output_dir(tmp_path: Path) -> None:
    out = tmp_path / "new" / "nested"
    result = _cli(["report", "render", str(GOOD), "--output-dir", str(out), "--format", "md,html,junit,sarif"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {out / name}" for name in ("report.md", "report.html", "report.junit.xml", "report.sarif")]
    assert _files(tmp_path) == ["new/nested/report.html", "new/nested/report.junit.xml", "new/nested/report.md", "new/nested/report.sarif"]


def test_output_dir_that_cannot_be_created_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    for args in (["compare", str(GOOD), str(FLAWED)], ["report", "render", str(GOOD)]):
        result = _cli([*args, "--output-dir", str(tmp_path / "a-file" / "out")], tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines() == [
            f"interopcheck: error: cannot create the output folder {tmp_path / 'a-file' / 'out'}: Not a directory (choose another --output-dir)"
        ]
    assert _files(tmp_path) == ["a-file"]


def test_refused_comparison_creates_no_folder(tmp_path: Path) -> None:
    mixed = json.loads(FLAWED.read_text(encoding="utf-8"))
    mixed["profile"]["version"] = "9.9.9"
    (tmp_path / "bids").mkdir()
    other = tmp_path / "bids" / "other.json"
    other.write_text(json.dumps(mixed), encoding="utf-8")
    result = _cli(["compare", str(GOOD), str(other)], tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("interopcheck: error: the reports were made with different profiles"), result.stderr
    assert "--allow-mixed" in lines[0]
    assert not (tmp_path / "reports").exists()
