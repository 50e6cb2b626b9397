"""A run's files: nothing another run left survives beside them, they are readable as the umask says, and each is listed."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from interopcheck.engine.outputs import OUTPUT_NAMES, write_outputs
from interopcheck.engine.run import RunArtifacts, RunRequest, run
from interopcheck.report import writer

SPEC = """openapi: 3.1.0
info: {title: t, version: '1.0.0'}
paths: {}
"""


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> RunArtifacts:
    """A spec-only run: quick, and enough to write every file a run writes."""
    spec = tmp_path_factory.mktemp("spec") / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    return run(RunRequest(spec=str(spec)))


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_stale_outputs_of_another_run_are_removed(tmp_path: Path, artifacts: RunArtifacts) -> None:
    every = write_outputs(artifacts, tmp_path, list(writer.FORMATS), transcript=True, bundle=True)
    assert sorted(p.name for p in every) == sorted(OUTPUT_NAMES)
    removed: list[str] = []
    paths = write_outputs(artifacts, tmp_path, ["json", "md"], note=removed.append)
    assert [p.name for p in paths] == ["report.json", "report.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "report.md"]
    assert len(removed) == 1 and removed[0].startswith("removed 7 files an earlier run left in ")
    assert "evidence-bundle.zip" in removed[0]


def test_files_not_of_a_run_are_left_alone(tmp_path: Path, artifacts: RunArtifacts) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "other.sarif").write_text("{}", encoding="utf-8")
    write_outputs(artifacts, tmp_path, ["json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "other.sarif", "report.json"]


def test_reports_follow_the_umask(tmp_path: Path, artifacts: RunArtifacts, umask_022: None) -> None:
    paths = write_outputs(artifacts, tmp_path, ["json", "html"], transcript=True, bundle=True)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in paths} == {p.name: 0o644 for p in paths}


def test_atomic_write_follows_a_stricter_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        path = writer.atomic_write(tmp_path / "x.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_bundle_without_transcript_lists_every_file_written(tmp_path: Path, artifacts: RunArtifacts) -> None:
    paths = write_outputs(artifacts, tmp_path, ["json"], bundle=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    with zipfile.ZipFile(tmp_path / "evidence-bundle.zip") as archive:
        assert "transcript.har" in archive.namelist()
