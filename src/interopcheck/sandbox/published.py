"""Full exports published as files when the sandbox starts, as a supplier's nightly bulk export would be.

Serving a whole export from a file costs the sandbox little CPU (no SQLite reads, no per-row joins),
which matters on a small machine where the sandbox shares its cores with the checker measuring it.
Only the exports the stored rows give unchanged are published: a fault that rewrites, repeats or
cuts records, and every `since` extract, is still built per request. A write to an entity (a new
repair) withdraws its files, so an export never serves data older than the store's.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from starlette.responses import FileResponse

from interopcheck.entities import ENTITIES

FORMATS = ("ndjson", "csv")
#: Faults under which no export is published (the export must be built per request to show them).
UNPUBLISHED_FAULTS = frozenset({"export-truncated", "export-duplicates"})


class ExportFile(FileResponse):
    """A published export: read in 1 MiB pieces (Starlette's 64 KiB would cost a thread hop each)."""

    chunk_size = 1 << 20


class Published(NamedTuple):
    """One published file and its ETag (a digest of its bytes, so the same data always has the same tag)."""

    path: Path
    etag: str

    def response(self, media_type: str) -> ExportFile:
        """The file as a download (Content-Length, ETag, Last-Modified, byte ranges)."""
        return ExportFile(self.path, media_type=media_type, headers={"ETag": self.etag})


class PublishedExports:
    """The published export files of one running sandbox, in a temporary folder removed by `close()`."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._files: dict[tuple[str, str], Published] = {}
        self._lock = threading.Lock()

    def publish(self, render: Callable[[str, str], Iterable[bytes]], entities: Iterable[str] = ENTITIES) -> None:
        """Write the NDJSON and CSV export of each of `entities` with `render(entity, fmt)` (an iterator of bytes)."""
        self._folder = tempfile.TemporaryDirectory(prefix="interopcheck-sandbox-exports-")
        folder = Path(self._folder.name)
        for entity in entities:
            for fmt in FORMATS:
                path = folder / f"{entity}.{fmt}"
                digest = hashlib.blake2b(digest_size=16)
                with path.open("wb") as out:
                    for piece in render(entity, fmt):
                        out.write(piece)
                        digest.update(piece)
                with self._lock:
                    self._files[(entity, fmt)] = Published(path, f'"{digest.hexdigest()}"')

    def file(self, entity: str, fmt: str) -> Published | None:
        """The published file of `entity` in `fmt`, or None (not published, or withdrawn by a write)."""
        with self._lock:
            return self._files.get((entity, fmt))

    def withdraw(self, entity: str) -> None:
        """Stop serving `entity`'s files (its data changed); the files stay until `close()`, so open reads finish."""
        with self._lock:
            for fmt in FORMATS:
                self._files.pop((entity, fmt), None)

    def close(self) -> None:
        """Remove the files."""
        with self._lock:
            self._files.clear()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
