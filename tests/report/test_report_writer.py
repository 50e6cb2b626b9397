"""Writing reports: JSON first, every format atomically, and nothing half-written when rendering fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from interopcheck.errors import ReportError, UsageError
from interopcheck.report import writer
from interopcheck.report.json_report import load_report


def test_writes_json_first_then_the_others(tmp_path: Path, flawed: dict[str, Any]) -> None:
    paths = writer.write_reports(flawed, tmp_path, ["html", "sarif", "json", "md", "junit"])
    assert [p.name for p in paths] == ["report.json", "report.html", "report.sarif", "report.md", "report.junit.xml"]
    assert load_report(tmp_path / "report.json") == flawed
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_basename_and_case(tmp_path: Path, good: dict[str, Any]) -> None:
    paths = writer.write_reports(good, tmp_path, ["HTML"], basename="bidder-a")
    assert [p.name for p in paths] == ["bidder-a.html"]


def test_unknown_format_is_a_usage_error(tmp_path: Path, good: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="unknown report format pdf"):
        writer.write_reports(good, tmp_path, ["json", "pdf"])
    assert list(tmp_path.iterdir()) == []


def test_formats_cover_every_renderer() -> None:
    assert set(writer.FORMATS) == {"json", "html", "md", "junit", "sarif", "github", "gitlab"} == set(writer.EXTENSIONS)


def test_failing_renderer_leaves_existing_reports_whole(tmp_path: Path, good: dict[str, Any], flawed: dict[str, Any],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    writer.write_reports(good, tmp_path, ["json", "html", "md"])
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(report: dict[str, Any]) -> str:
        """A renderer with a bug."""
        raise RuntimeError("renderer bug")

    monkeypatch.setitem(writer.FORMATS, "md", broken)
    with pytest.raises(RuntimeError, match="renderer bug"):
        writer.write_reports(flawed, tmp_path, ["json", "html", "md"])
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # the old report, whole, and no temp files
    assert json.loads(after["report.json"])["verdict"] == "conformant"


def test_atomic_write_failure_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def no_replace(src: str, dst: str) -> None:
        """os.replace on a full disk."""
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer.os, "replace", no_replace)
    with pytest.raises(ReportError, match="cannot write .*No space left"):
        writer.atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_atomic_write_into_missing_folder_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot write"):
        writer.atomic_write(tmp_path / "nope" / "report.json", b"{}")


def test_atomic_write_replaces_content(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    writer.atomic_write(target, "one")
    writer.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_write_reports_creates_the_folder_and_its_parents(tmp_path: Path, good: dict[str, Any]) -> None:
    out = tmp_path / "a" / "b"
    paths = writer.write_reports(good, out, ["json", "md"])
    assert [p.name for p in paths] == ["report.json", "report.md"]
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]


def test_failing_renderer_creates_no_folder(tmp_path: Path, good: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(report: dict[str, Any]) -> str:
        """A renderer with a bug."""
        raise RuntimeError("renderer bug")

    monkeypatch.setitem(writer.FORMATS, "md", broken)
    with pytest.raises(RuntimeError, match="renderer bug"):
        writer.write_reports(good, tmp_path / "out", ["json", "md"])
    assert list(tmp_path.iterdir()) == []


def test_ensure_folder_failure_is_a_report_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(ReportError, match=r"cannot create the output folder .*a-file/out: Not a directory \(choose another --output\)"):
        writer.ensure_folder(tmp_path / "a-file" / "out", "--output")
