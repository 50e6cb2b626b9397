"""The canonical JSON report: the Report dataclass as a plain dict, and reading one back validated.

Every other format is rendered from this dict, so its shape is fixed by `report.schema.json` and
never depends on verbosity or on which formats were asked for.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from interopcheck.errors import ReportError
from interopcheck.model import Report
from interopcheck.spec.files import read_regular_file

REPORT_SCHEMA_VERSION = "1.2"
#: Versions this tool reads: 1.1 added `modules` and `standards_year`, so a 1.0 report still reads.
READABLE_VERSIONS = ("1.0", "1.1", "1.2")
MAX_REPORT_BYTES = 2_000_000_000  # read back by render, compare and verify: a report is megabytes


def to_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: enums as their values, tuples as lists, keys in field order."""
    return _plain(report)


def _plain(value: Any) -> Any:
    """Recursively turn dataclasses, enums and tuples into dicts, strings and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k.value if isinstance(k, Enum) else k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    """The published JSON Schema (2020-12) of the canonical report."""
    text = resources.files("interopcheck.report").joinpath("report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validation_errors(report: dict[str, Any]) -> list[str]:
    """Every way `report` breaks the report schema, as 'pointer: message' lines (empty when valid)."""
    validator = jsonschema.Draft202012Validator(report_schema())
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    return [f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors]


def load_report(path: Path | str) -> dict[str, Any]:
    """Read a canonical JSON report and check it against the schema; ReportError with one line otherwise."""
    path = Path(path)
    try:
        raw = read_regular_file(path, max_bytes=MAX_REPORT_BYTES, label=str(path), error=ReportError, max_hint="a report is far smaller")
    except ReportError as exc:  # worded as before: "cannot read report PATH: why"
        why = exc.message.removeprefix(f"{path}: ").removeprefix("cannot read the file: ")
        raise ReportError(f"cannot read report {path}: {why}", hint=exc.hint) from None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportError(f"report {path} is not JSON: {exc}") from exc
    except RecursionError:
        raise ReportError(f"report {path} is nested too deeply to be a report", hint="give the report.json interopcheck wrote") from None
    return check_report(data, str(path))


def check_report(data: Any, name: str = "report") -> dict[str, Any]:
    """Return `data` if it is a valid report of this schema version, else raise ReportError."""
    if not isinstance(data, dict):
        raise ReportError(f"{name} is not a JSON object")
    version = data.get("schema_version")
    if version not in READABLE_VERSIONS:
        raise ReportError(
            f"{name} has schema_version {version!r}, this tool reads {' and '.join(map(repr, READABLE_VERSIONS))}",
            hint="re-run the check with this version of interopcheck",
        )
    try:
        errors = validation_errors(data)
    except RecursionError:
        raise ReportError(f"{name} is nested too deeply to be a report", hint="give the report.json interopcheck wrote") from None
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        first = errors[0] if len(errors[0]) <= 300 else errors[0][:299] + "…"  # it may quote a whole value
        raise ReportError(f"{name} does not match the report schema: {first}{more}")
    return data


def render(report: dict[str, Any]) -> str:
    """The canonical report as indented JSON text, keys in their schema order, ending in a newline."""
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
