"""Write a run's files: the canonical JSON report first, then the other formats, the transcript, the bundle.

Every file is written atomically by the report writer, so an interrupted run leaves earlier
reports whole and no half-written files. This is where a run's data leaves the process, so the
report and the transcript pass through the run's Redactor here, once, before any of them is
rendered or bundled: a secret a sandbox echoed into a record, an error body or a header is
masked in every format and in every member of the bundle alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from interopcheck.engine.run import RunArtifacts
from interopcheck.errors import ReportError


def write_outputs(
    artifacts: RunArtifacts,
    output_dir: Path,
    formats: Sequence[str],
    *,
    transcript: bool = False,
    bundle: bool = False,
    sign_key: Path | None = None,
    regressions: dict | None = None,
) -> list[Path]:
    """Write the reports (JSON always first), and the HAR transcript and evidence bundle when asked.

    `regressions` (from the run history: what regressed since the previous run) goes into the report when given.
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
    wanted = ["json", *(f for f in formats if f != "json")]
    paths = list(write_reports(report, output_dir, wanted))
    har_path: Path | None = None
    if transcript or bundle:
        from interopcheck.live.har import to_har

        har_path = output_dir / "transcript.har"
        atomic_write(har_path, orjson.dumps(redactor.data(to_har(artifacts.exchanges)), option=orjson.OPT_INDENT_2))
        if transcript:
            paths.append(har_path)
    if bundle:
        paths.append(_bundle(artifacts, report, output_dir, har_path, sign_key))
    return paths


def _stateless_redactor() -> Any:
    """A redactor knowing no secret (artifacts built without a run): it still masks credentials written in URLs."""
    from interopcheck.live.redact import Redactor

    return Redactor()


def _bundle(artifacts: RunArtifacts, report: dict, output_dir: Path, har: Path | None, sign_key: Path | None) -> Path:
    from interopcheck.report.bundle import write_bundle

    files: dict[str, Path | bytes] = {}
    spec_name = "spec." + ("json" if artifacts.document.format == "json" else "yaml")
    files[spec_name] = artifacts.document.raw_bytes()  # the bytes checked and hashed, never re-serialised
    files["profile.json"] = orjson.dumps(artifacts.profile.resolved(), option=orjson.OPT_INDENT_2)
    if artifacts.declaration is not None:
        files["declaration.yaml"] = artifacts.declaration.content or Path(artifacts.declaration.source)
    if har is not None:
        files["transcript.har"] = har
    path = output_dir / "evidence-bundle.zip"
    write_bundle(path, report, files, sign_key)
    return path
