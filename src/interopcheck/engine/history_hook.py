"""Where `check` meets the run history: the default file, the run's record, regressions since the last run, recording.

The history holds outcomes, reasons (scrubbed of the run's secrets), hashes and paths, never secrets or
response bodies. A run is compared with the previous run of the same supplier and profile before its
reports are written (so they can show what regressed), and recorded once they are written (so the
record can name the JSON report and its hash).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from interopcheck.engine.run import RunArtifacts
from interopcheck.errors import HistoryError
from interopcheck.history.compare import RunDiff, diff_runs, regressions_section
from interopcheck.history.records import OutcomeRow, RunRecord, StoredRun
from interopcheck.history.store import open_history, previous_run, record_run
from interopcheck.live.redact import Redactor

HISTORY_NAME = "history.sqlite"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_REASON_LIMIT = 1000


def default_history_path(output_dir: Path, *, chosen: bool) -> Path:
    """Where the history goes without --history: `history.sqlite` inside the default report folder (`reports/history.sqlite`),
    or beside a report folder the user chose (in its parent), so dated folders such as `reports/acme/2026-12-06`
    share `reports/acme/history.sqlite` and the report folder itself holds only the run's files.
    """
    return Path(output_dir).parent / HISTORY_NAME if chosen else Path(output_dir) / HISTORY_NAME


def ensure_usable(path: Path) -> None:
    """Open (and migrate) an existing history before the run, so a file that cannot be used stops it at once (exit 2),
    not after a long run; a missing file is fine (it is created when the run is recorded)."""
    if Path(path).is_dir():
        raise HistoryError(f"the run history {path} is a folder", hint="give --history a file path, e.g. reports/history.sqlite")
    if Path(path).exists():
        with open_history(path):
            pass


@dataclass(frozen=True)
class HistoryPlan:
    """The history file this run goes into, its record (before the report path is known), and its diff with the previous run."""

    path: Path
    record: RunRecord
    diff: RunDiff | None

    @property
    def regressions(self) -> dict[str, Any] | None:
        """The report's `regressions` member, when the history holds an earlier run of this supplier and profile."""
        return None if self.diff is None else regressions_section(self.diff)


def plan_history(artifacts: RunArtifacts, live: Any, *, path: Path, supplier: str | None, environment: str | None) -> HistoryPlan:
    """The run's record and its comparison with the previous run; reads the history only if the file exists."""
    record = run_record(artifacts, live, supplier=supplier, environment=environment)
    diff = None
    if Path(path).exists():
        with open_history(path) as conn:
            prior = previous_run(conn, record.supplier, record.profile_id)
        if prior is not None:
            diff = diff_runs(prior, StoredRun(0, "", record))
    return HistoryPlan(Path(path), record, diff)


def record_history(plan: HistoryPlan, report_json: Path | None) -> int:
    """Record the run (with the JSON report's path and SHA-256) in one transaction; its run id."""
    record = plan.record
    if report_json is not None:
        record = dataclasses.replace(record, report_path=str(report_json.resolve()), report_sha256=hashlib.sha256(report_json.read_bytes()).hexdigest())
    with open_history(plan.path) as conn:
        return record_run(conn, record)


def run_record(artifacts: RunArtifacts, live: Any, *, supplier: str | None, environment: str | None) -> RunRecord:
    """What the history keeps of this run: no finding, no evidence, reasons scrubbed of every secret the run had."""
    report, declaration = artifacts.report, artifacts.declaration
    redactor = artifacts.redactor or _redactor(live)  # the run's: it also knows every token the sandbox issued
    named = supplier or ((declaration.supplier.get("name") if declaration is not None else None) or None)
    base_url = report.run.base_url
    return RunRecord(
        supplier=named or redactor.url(report.run.spec_source) or report.run.spec_source,
        environment=environment or (redactor.url(base_url) if base_url else "static (no sandbox)"),
        profile_id=report.profile.id,
        profile_version=report.profile.version,
        profile_sha256=report.profile.sha256,
        standards_year=report.standards_year,
        spec_source=redactor.url(report.run.spec_source) if "://" in report.run.spec_source else report.run.spec_source,
        spec_sha256=report.run.spec_sha256,
        tool_version=report.run.tool_version,
        started_at=report.run.started_at,
        finished_at=report.run.finished_at,
        verdict=report.verdict.value,
        score=report.score.value,
        musts_failed=report.counts.musts_failed,
        musts_total=report.counts.musts_total,
        outcomes=tuple(
            OutcomeRow(o.requirement_id, o.level.value, o.status.value, _reason(redactor, o.reason), o.title) for o in report.outcomes
        ),
        spec_parts=spec_parts(artifacts.document.data),
    )


def _reason(redactor: Redactor, reason: str) -> str:
    text = " ".join((redactor.text(reason) or "").split())
    return text if len(text) <= _REASON_LIMIT else text[: _REASON_LIMIT - 1] + "…"


def _redactor(live: Any) -> Redactor:
    """A redactor that knows the secrets the run was given (the values of the variables its options name)."""
    names = (getattr(live, attr, None) for attr in ("token_env", "api_key_env", "client_secret_env"))
    return Redactor(os.environ.get(n, "") for n in names if n)


def _digest(value: Any) -> str:
    """A SHA-256 of `value` that key order does not change.

    Walked with an explicit stack and scalars hashed by their repr, because a description may hold
    what JSON encoders refuse (integers past 64 bits, YAML sets and bytes, nesting past 255 levels).
    """
    digest = hashlib.sha256()
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            digest.update(b"{%d" % len(item))
            for key in sorted(item, key=str, reverse=True):
                stack += [item[key], _Key(str(key))]
        elif isinstance(item, (list, tuple)):
            digest.update(b"[%d" % len(item))
            stack += reversed(item)
        elif isinstance(item, _Key):
            digest.update(b"k" + item.name.encode("utf-8", "surrogatepass") + b"\0")
        else:
            digest.update(b"v" + repr(item).encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class _Key:
    """A mapping key on `_digest`'s stack (kept apart from values, so {"a": "b"} and ["a", "b"] differ)."""

    name: str


def spec_parts(data: Any) -> tuple[tuple[str, str], ...]:
    """Each operation ("GET /v1/properties", with its path item's shared parameters) and top-level member ("#/servers"), hashed."""
    if not isinstance(data, dict):
        return ()
    parts: list[tuple[str, str]] = []
    paths = data.get("paths")
    for path, item in (paths.items() if isinstance(paths, dict) else ()):
        if not isinstance(item, dict):
            continue
        shared = {k: v for k, v in item.items() if k not in _METHODS}
        parts += [(f"{m.upper()} {path}", _digest([item[m], shared])) for m in _METHODS if m in item]
    parts += [(f"#/{key}", _digest(value)) for key, value in data.items() if key != "paths"]
    return tuple(parts)
