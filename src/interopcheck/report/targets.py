"""Where `check` puts a report besides --output-dir: one format to a file or standard output (`--output`),
and the Markdown report appended to GitHub's step summary (`--step-summary`).

Kept out of the CLI layer so the command only wires options to these decisions and does the printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from interopcheck.errors import UsageError
from interopcheck.report.writer import FORMATS, atomic_write, ensure_folder


def single_format(formats: tuple[str, ...], *, given: bool, bundle: bool, transcript: bool) -> str:
    """The one format `--output` writes: JSON unless --format was `given`, which must then name one format."""
    chosen = formats if given else ("json",)
    if len(chosen) != 1:
        raise UsageError(f"--output writes one report format, not {', '.join(chosen)}", hint="give --format one of them, or use --output-dir for several")
    extras = [flag for flag, on in (("--bundle", bundle), ("--transcript", transcript)) if on]
    if extras:
        raise UsageError(f"--output writes one report, so it cannot go with {' and '.join(extras)}", hint="use --output-dir for the bundle and transcript")
    return chosen[0]


def render_one(report: dict[str, Any], fmt: str) -> str:
    """The report rendered in `fmt` (a name of writer.FORMATS)."""
    return FORMATS[fmt](report)


def write_one(text: str, output: Path) -> Path:
    """Write one rendered report to the file `output` atomically, creating its folder."""
    ensure_folder(output.parent, "--output")
    return atomic_write(output, text)


def step_summary_target(wanted: bool | None, environ: Mapping[str, str]) -> Path | None:
    """$GITHUB_STEP_SUMMARY when the step summary is on: asked for, or by default whenever that variable is set."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if wanted and not target:
        raise UsageError("--step-summary: GITHUB_STEP_SUMMARY is not set", hint="GitHub Actions sets it; elsewhere use --format md")
    return Path(target) if target and wanted is not False else None
