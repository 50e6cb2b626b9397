"""`interopcheck profile render` writes several formats in one call, whole or not at all, and
`interopcheck declaration init` writes the template, refusing to overwrite without --force (exit 2, one line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "profiles" / "housing" / "overlays" / "example-borough.yaml"
TEMPLATE = ROOT / "profiles" / "housing" / "declaration.template.yaml"


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m interopcheck ARGS` in `cwd`, as a user would."""
    return subprocess.run([sys.executable, "-m", "interopcheck", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env={**os.environ}, check=False)


def _files(folder: Path) -> list[str]:
    """Every file under `folder`, relative, sorted (a temp file left behind would show up)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_render_writes_three_formats_in_one_call(tmp_path: Path) -> None:
    out = tmp_path / "tender" / "annex"
    result = _cli(["profile", "render", "housing", "--overlay", str(OVERLAY), "--format", "md,html,docx", "--output-dir", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _files(out) == ["annex.docx", "annex.html", "annex.md"]
    assert result.stderr.splitlines() == [f"wrote {out / name}" for name in ("annex.md", "annex.html", "annex.docx")]
    md = (out / "annex.md").read_text(encoding="utf-8")
    assert "## Departures from the shared core" in md and "| HSG-EXP-06 | raised |" in md
    assert (out / "annex.docx").read_bytes().startswith(b"PK")


def test_render_to_standard_output_and_to_one_file(tmp_path: Path) -> None:
    result = _cli(["profile", "render", "housing", "--format", "html"], tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("<!DOCTYPE html>")
    result = _cli(["profile", "render", "housing", "--format", "docx", "--output", "a/annex.docx"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _files(tmp_path) == ["a/annex.docx"]


def test_render_refuses_what_it_cannot_do_and_writes_nothing(tmp_path: Path) -> None:
    for args, message in (
        (["--format", "docx"], "--format docx cannot go to standard output"),
        (["--format", "md,html"], "--format md,html cannot go to standard output"),
        (["--format", "md,pdf", "--output-dir", "x"], "unknown annex format pdf"),
        (["--format", "md,html", "--output", "x.md"], "--output takes one format"),
    ):
        result = _cli(["profile", "render", "housing", *args], tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert _files(tmp_path) == []


def test_declaration_init_writes_the_template_and_will_not_overwrite(tmp_path: Path) -> None:
    result = _cli(["declaration", "init"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "declaration.yaml").read_bytes() == TEMPLATE.read_bytes()
    (tmp_path / "declaration.yaml").write_text("# my half-filled declaration\n", encoding="utf-8")
    result = _cli(["declaration", "init"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "interopcheck: error: declaration.yaml already exists (pass --force to overwrite it, or choose another --output)"
    ]
    assert (tmp_path / "declaration.yaml").read_text(encoding="utf-8") == "# my half-filled declaration\n"
    result = _cli(["declaration", "init", "--profile", "housing", "--output", "bids/acme.yaml", "--force"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bids" / "acme.yaml").read_bytes() == TEMPLATE.read_bytes()
    result = _cli(["declaration", "init", "--output", "declaration.yaml", "--force"], tmp_path)
    assert result.returncode == 0 and (tmp_path / "declaration.yaml").read_bytes() == TEMPLATE.read_bytes()
    assert _files(tmp_path) == ["bids/acme.yaml", "declaration.yaml"]


def test_declaration_init_to_standard_output_and_an_unknown_profile(tmp_path: Path) -> None:
    result = _cli(["declaration", "init", "--output", "-"], tmp_path)
    assert result.returncode == 0 and result.stdout == TEMPLATE.read_text(encoding="utf-8")
    result = _cli(["declaration", "init", "--profile", "housin"], tmp_path)
    assert result.returncode == 2 and "unknown profile 'housin'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _files(tmp_path) == []


def test_the_written_template_is_a_declaration_the_tool_accepts(tmp_path: Path) -> None:
    from interopcheck.declaration import load_declaration

    assert _cli(["declaration", "init"], tmp_path).returncode == 0
    assert load_declaration(tmp_path / "declaration.yaml").supplier


def test_a_failing_writer_leaves_no_file_behind(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every format is rendered before the first is written: a DOCX writer that breaks leaves no Markdown or HTML."""
    from click.testing import CliRunner

    from interopcheck.cli import cli
    from interopcheck.profile import annex_docx

    def broken(annex):  # type: ignore[no-untyped-def]
        raise RuntimeError("writer broke")

    monkeypatch.setattr(annex_docx, "render_docx", broken)
    out = tmp_path / "annex"
    result = CliRunner().invoke(cli, ["profile", "render", "housing", "--format", "md,html,docx", "--output-dir", str(out)])
    assert isinstance(result.exception, RuntimeError)
    assert not out.exists() or _files(out) == []
