"""Write a run's files: the canonical JSON report first, then the other formats, the transcript, the bundle.

Every file is written atomically by the report writer, so an interrupted run leaves earlier
reports whole and no half-written files. This is where a run's data leaves the process, so the
report and the transcript pass through the run's Redactor here, once, before any of them is
rendered or bundled: a secret a sandbox echoed into a record, an error body or a header is
masked in every format and in every member of the bundle alike.

A run's folder holds only this run's files: the files another run wrote there under the names a run
writes (a bundle, a transcript, a SARIF file not asked for this time) are removed first, so a stale
bundle that verifies "conformant" never sits beside a report that says otherwise. Other files are
left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from interopcheck.engine.run import RunArtifacts
from interopcheck.errors import ReportError
from interopcheck.report.writer import EXTENSIONS

TRANSCRIPT = "transcript.har"
BUNDLE = "evidence-bundle.zip"
#: Every name a run writes in its output folder.
OUTPUT_NAMES: tuple[str, ...] = (*(f"report{ext}" for ext in EXTENSIONS.values()), TRANSCRIPT, BUNDLE)


def write_outputs(
    artifacts: RunArtifacts,
    output_dir: Path,
    formats: Sequence[str],
    *,
    transcript: bool = False,
    bundle: bool = False,
    sign_key: Path | None = None,
    regressions: dict | None = None,
    note: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the reports (JSON always first), and the HAR transcript and evidence bundle when asked.

    `regressions` (from the run history: what regressed since the previous run) goes into the report when given.
    A run's files another run left that this one does not write are removed first; `note` hears one line naming them.
    With `bundle` but not `transcript` the transcript goes into the bundle only, so every file written is listed.
    """
    from interopcheck.report.json_report import to_dict
    from interopcheck.report.writer import atomic_write, write_reports

    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the output folder {output_dir}: {exc.strerror}", hint="choose another --output-dir") from exc
    redactor = artifacts.redactor or _stateless_redactor()
    report = to_dict(artifacts.report)
    if regressions is not None:
        report["regressions"] = regressions
    report = redactor.data(report)
    wanted = list(dict.fromkeys(["json", *(f.strip().lower() for f in formats if f.strip().lower() != "json")]))
    writing = {f"report{EXTENSIONS[f]}" for f in wanted if f in EXTENSIONS}
    writing |= {TRANSCRIPT} if transcript else set()
    writing |= {BUNDLE} if bundle else set()
    _remove_stale(output_dir, writing, note)
    paths = list(write_reports(report, output_dir, wanted))
    har: bytes | None = None
    if transcript or bundle:
        from interopcheck.live.har import to_har

        har = orjson.dumps(redactor.data(to_har(artifacts.exchanges, times=artifacts.exchange_times)), option=orjson.OPT_INDENT_2)
        if transcript:
            paths.append(atomic_write(output_dir / TRANSCRIPT, har))
    if bundle:
        paths.append(_bundle(artifacts, report, output_dir, har, sign_key))
    return paths


def _remove_stale(output_dir: Path, writing: set[str], note: Callable[[str], None] | None) -> None:
    """Remove the run files in `output_dir` this run will not write (another run's); ReportError when one cannot be."""
    removed = []
    for name in OUTPUT_NAMES:
        path = output_dir / name
        if name in writing or not (path.is_file() or path.is_symlink()):
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ReportError(
                f"cannot remove {path}, left by an earlier run: {exc.strerror or exc}", hint="remove it, or choose another --output-dir"
            ) from exc
        removed.append(name)
    if removed and note is not None:
        note(f"removed {len(removed)} file{'s' if len(removed) > 1 else ''} an earlier run left in {output_dir}: {', '.join(removed)}")


def _stateless_redactor() -> Any:
    """A redactor knowing no secret (artifacts built without a run): it still masks credentials written in URLs."""
    from interopcheck.live.redact import Redactor

    return Redactor()


def _bundle(artifacts: RunArtifacts, report: dict, output_dir: Path, har: bytes | None, sign_key: Path | None) -> Path:
    from interopcheck.report.bundle import write_bundle

    files: dict[str, Path | bytes] = {}
    spec_name = "spec." + ("json" if artifacts.document.format == "json" else "yaml")
    files[spec_name] = artifacts.document.raw_bytes()  # the bytes checked and hashed, never re-serialised
    files["profile.json"] = orjson.dumps(artifacts.profile.resolved(), option=orjson.OPT_INDENT_2)
    if artifacts.declaration is not None:
        files["declaration.yaml"] = artifacts.declaration.content or Path(artifacts.declaration.source)
    if har is not None:
        files[TRANSCRIPT] = har
    path = output_dir / BUNDLE
    write_bundle(path, report, files, sign_key)
    return path
