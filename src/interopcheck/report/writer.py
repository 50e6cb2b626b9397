"""Write a run's reports: JSON first, then every other format rendered from it, each file atomically.

Atomic means a temp file in the same folder, fsync, then os.replace: a reader (or a crashed run)
never sees half a report, and a renderer that fails leaves the reports already there whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from interopcheck.errors import ReportError, UsageError
from interopcheck.report import github, gitlab, html, json_report, junit, markdown, sarif

Renderer = Callable[[dict[str, Any]], str]

FORMATS: dict[str, Renderer] = {
    "json": json_report.render,
    "html": html.render,
    "md": markdown.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
}
EXTENSIONS: dict[str, str] = {
    "json": ".json",
    "html": ".html",
    "md": ".md",
    "junit": ".junit.xml",
    "sarif": ".sarif",
    "github": ".github.txt",
    "gitlab": ".codequality.json",
}


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows (/proc), else set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write `data` to `path` via a fsynced temp file in the same folder and os.replace; no temp is left behind.

    The file gets the mode a plain `open(path, "w")` would (0666 less the umask), not the temp file's 0600:
    reports are read by CI artefact steps and colleagues.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    return path


def ensure_folder(folder: Path, option: str = "--output-dir") -> Path:
    """Create `folder` and its parents if missing, as `check` does; a ReportError naming `option` when that fails."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the output folder {folder}: {exc.strerror or exc}", hint=f"choose another {option}") from exc
    return folder


def report_path(output_dir: Path, fmt: str, basename: str = "report") -> Path:
    """Where format `fmt` of the report goes in `output_dir`."""
    return Path(output_dir) / f"{basename}{EXTENSIONS[fmt]}"


def write_reports(
    report: dict[str, Any], output_dir: Path, formats: Sequence[str], *, basename: str = "report"
) -> list[Path]:
    """Render every wanted format (JSON first) and only then write them all (creating `output_dir`), so a failing renderer writes nothing."""
    wanted = list(dict.fromkeys(f.strip().lower() for f in formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown report format {', '.join(unknown)}", hint=f"choose from {', '.join(FORMATS)}")
    if "json" in wanted:
        wanted.remove("json")
        wanted.insert(0, "json")
    rendered = [(f, FORMATS[f](report)) for f in wanted]
    ensure_folder(output_dir)  # only once everything rendered: a failing renderer creates nothing
    return [atomic_write(report_path(output_dir, f, basename), text) for f, text in rendered]
