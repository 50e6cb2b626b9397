"""Compressed exports: gzip streams (every member) and zip archives, read safely.

Decompression is capped against bombs (a total size and a ratio no real export reaches), an archive's
entries are checked for unsafe paths before anything is extracted, and the user's --export-max-bytes
stops reading as a `limit` (the checks skip) rather than as the supplier's fault.
"""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from interopcheck.export.readers import ReadProblem

MAX_DECOMPRESSED_BYTES = 20 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_GZIP_RATIO = 200  # JSON compresses about 10:1; 200:1 is a bomb, not data
GZIP_RATIO_FLOOR = 16 * 1024 * 1024  # small bodies may compress further (a run of spaces), so only judge past this


def gunzip(
    chunks: Iterable[bytes], *, max_bytes: int = MAX_DECOMPRESSED_BYTES, max_ratio: int = MAX_GZIP_RATIO, limit: int | None = None
) -> Iterator[bytes | ReadProblem]:
    """Decompressed chunks of every member of a gzip stream (`cat a.gz b.gz` is one gzip file).

    The caps hold over all members together: past `max_bytes`, or a ratio no real export reaches, a fatal
    `gzip-bomb`; past the user's `limit` (--export-max-bytes), a fatal `limit` (the checks skip: not the
    supplier's fault). NUL padding after a member is skipped (as gzip does); other bytes there are a fatal `bad-gzip`.
    """
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    total = compressed = 0
    members = 1
    step = 1024 * 1024
    for chunk in chunks:
        compressed += len(chunk)
        data, pending = chunk, False
        while data or pending:
            if inflater.eof:  # the member ended: what follows is padding, another member or garbage
                data = data.lstrip(b"\0")
                if not data:
                    break
                inflater, members = zlib.decompressobj(16 + zlib.MAX_WBITS), members + 1
            try:
                out = inflater.decompress(data, step)
            except zlib.error as exc:
                where = "not a valid gzip stream" if members == 1 else f"bytes after gzip member {members - 1} are not a gzip member"
                yield ReadProblem("bad-gzip", f"{where}: {exc}", None, True)
                return
            total += len(out)
            if limit is not None and total > limit:
                yield ReadProblem("limit", f"stopped: the export decompressed passes --export-max-bytes={limit}", None, True)
                return
            if total > max_bytes:
                yield ReadProblem("gzip-bomb", f"decompressed size passed the {max_bytes}-byte cap", None, True)
                return
            if total > GZIP_RATIO_FLOOR and total > max_ratio * compressed:
                yield ReadProblem("gzip-bomb", f"compression ratio over {max_ratio}:1 ({compressed} bytes gave {total})", None, True)
                return
            if out:
                yield out
            data = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
            pending = len(out) == step and not inflater.eof  # output that did not fit may still be inside zlib
    if not inflater.eof:
        yield ReadProblem("truncated", f"the gzip stream ended before the end marker of member {members}", None, True)


def split_problems(pieces: Iterable[bytes | ReadProblem], sink: list[ReadProblem]) -> Iterator[bytes]:
    """Byte chunks from a mixed stream, moving problems into `sink` (so readers see plain bytes)."""
    for piece in pieces:
        if isinstance(piece, ReadProblem):
            sink.append(piece)
            return
        yield piece


def with_gzip(
    chunks: Iterable[bytes], *, max_bytes: int = MAX_DECOMPRESSED_BYTES, limit: int | None = None
) -> tuple[Iterator[bytes], list[ReadProblem]]:
    """The chunks decompressed when they start with the gzip magic, else as given; problems land in the list.

    `max_bytes` guards against bombs; `limit` is the user's --export-max-bytes (a `limit` problem, see `gunzip`).
    """
    sink: list[ReadProblem] = []
    it = iter(chunks)
    first = b""
    for piece in it:
        first += piece
        if len(first) >= 2:  # enough to see the magic, even when the first chunks are a byte each
            break
    rest = _prepend(first, it)
    if first[:2] == b"\x1f\x8b":
        return split_problems(gunzip(rest, max_bytes=max_bytes, limit=limit), sink), sink
    return rest, sink


class LimitCut:
    """A decompressed body that knows whether the user's --export-max-bytes cut it (a `limit` problem in `problems`).

    The cut falls anywhere, mostly inside a record or a row, so what a reader reports once the body has
    ended (a partial record, a row with too few fields, a quote never closed) is the cut, not the export:
    `bool(cut)` is true exactly then, and scans drop those problems (the check skips, saying so).
    """

    def __init__(self, chunks: Iterable[bytes], problems: list[ReadProblem]) -> None:
        self._chunks = chunks
        self._problems = problems
        self.ended = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks
        self.ended = True

    def __bool__(self) -> bool:
        return self.ended and any(p.kind == "limit" for p in self._problems)


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from rest


def entry_format(name: str) -> str | None:
    """The record format of a zip entry from its name (`property.ndjson`, `person.csv.gz`), or None."""
    base = name.rsplit("/", 1)[-1].lower().removesuffix(".gz")
    for fmt, ext in (("ndjson", ".ndjson"), ("ndjson", ".jsonl"), ("json", ".json"), ("csv", ".csv")):
        if base.endswith(ext):
            return fmt
    return None


def entry_entity(name: str) -> str:
    """The entity a zip entry holds, from its base name without extensions (`exports/rent-account.ndjson`)."""
    return name.rsplit("/", 1)[-1].split(".", 1)[0]


def spool(chunks: Iterable[bytes]) -> tempfile.SpooledTemporaryFile[bytes]:
    """The chunks written to a temporary file (on disk past 8 MB), rewound; zip needs to seek."""
    tmp = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    for chunk in chunks:
        tmp.write(chunk)
    tmp.seek(0)
    return tmp


@dataclass(frozen=True)
class ZipEntry:
    """A safe entry of a zip archive: its name, entity, record format and sizes."""

    name: str
    entity: str
    format: str
    size: int
    compressed: int


def zip_entries(
    archive: zipfile.ZipFile, *, max_bytes: int = MAX_DECOMPRESSED_BYTES, max_ratio: int = MAX_ZIP_RATIO, limit: int | None = None
) -> tuple[list[ZipEntry], list[ReadProblem]]:
    """The archive's usable entries and its problems: traversal names, bombs (ratio and total size), unknown files."""
    entries: list[ZipEntry] = []
    problems: list[ReadProblem] = []
    total = 0
    for info in archive.infolist():
        name = info.filename
        if info.is_dir():
            continue
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
            problems.append(ReadProblem("zip-path", f"entry {name!r} has an unsafe path (absolute or `..`): not extracted"))
            continue
        if info.compress_size and info.file_size / info.compress_size > max_ratio:
            problems.append(ReadProblem("zip-bomb", f"entry {name!r} claims a compression ratio over {max_ratio}:1: not read", None, True))
            continue
        total += info.file_size
        if limit is not None and total > limit:
            problems.append(ReadProblem("limit", f"stopped: the archive's files decompressed pass --export-max-bytes={limit}", None, True))
            break
        if total > max_bytes:
            problems.append(ReadProblem("zip-bomb", f"the archive's entries pass the {max_bytes}-byte decompressed cap", None, True))
            break
        fmt = entry_format(name)
        if fmt is None:
            problems.append(ReadProblem("zip-unknown", f"entry {name!r} is not NDJSON, JSON or CSV: ignored"))
            continue
        entries.append(ZipEntry(name, entry_entity(name), fmt, info.file_size, info.compress_size))
    return entries, problems


def iter_zip_entry(archive: zipfile.ZipFile, entry: ZipEntry, *, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """An entry's bytes in chunks, stopping at its declared size (the header could lie about it)."""
    read = 0
    with archive.open(entry.name) as handle:
        while block := handle.read(chunk):
            read += len(block)
            if read > entry.size:
                raise zipfile.BadZipFile(f"entry {entry.name!r} is larger than its header says")
            yield block


def open_zip(file: Any) -> zipfile.ZipFile:
    """A ZipFile over a spooled file; `zipfile.BadZipFile` when it is not one."""
    return zipfile.ZipFile(file)

