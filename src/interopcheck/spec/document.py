"""A loaded API description: the parsed data plus what is needed to cite places in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SpecDocument:
    """The root document as loaded, with any files it `$ref`s, and a line finder.

    `externals` maps the absolute URI of each other file that was `$ref`d (beside the spec)
    to its parsed data. `remote_refs` lists, as (site, reference as written), every network
    `$ref` that was not fetched: a site in the root file is a JSON pointer, a site in another
    file is `<file URI>#<pointer>`. `unreadable` maps each `$ref`d document that could not be used
    (not JSON or YAML, such as a Markdown file; or a remote one that could not be fetched) to why:
    its references are findings of validation, not a read error. `line_of(pointer)` returns the
    1-based line of a JSON pointer in the root file, or None; it is lazy, so a spec without
    findings never pays for it. `line_at(site)` does the same for a place in any loaded file. `raw` holds the bytes read, so the
    evidence bundle carries exactly what was checked (never a re-serialisation).
    """

    data: Any
    source: str  # the path or URL as given
    base_uri: str  # file:// or http(s):// URI the relative $refs resolve against
    format: str  # "json" or "yaml"
    sha256: str
    size: int
    externals: dict[str, Any] = field(default_factory=dict)
    remote_refs: tuple[tuple[str, str], ...] = ()
    line_finder: Callable[[str], int | None] | None = field(default=None, compare=False, repr=False)
    unreadable: dict[str, str] = field(default_factory=dict)
    external_lines: dict[str, Callable[[str], int | None]] = field(default_factory=dict, compare=False, repr=False)
    raw: bytes = field(default=b"", compare=False, repr=False)  # the bytes read and hashed into `sha256`

    def raw_bytes(self) -> bytes:
        """The exact bytes that were read, checked and hashed (what an evidence bundle must hold)."""
        return self.raw

    def line_of(self, pointer: str) -> int | None:
        """1-based line of `pointer` in the root file, when it can be found."""
        if self.line_finder is None:
            return None
        try:
            return self.line_finder(pointer)
        except Exception:  # noqa: BLE001 - a line number is a convenience, never a crash
            return None

    def line_at(self, site: str) -> int | None:
        """1-based line of a place named as the index names it: a JSON pointer in the root file, or
        `<file URI>#<pointer>` in a file beside the spec (None for a file fetched or not found)."""
        if site == "" or site.startswith("/"):
            return self.line_of(site)
        uri, hash_, pointer = site.partition("#")
        finder = self.external_lines.get(uri)
        if not hash_ or finder is None:
            return None
        try:
            return finder(pointer)
        except Exception:  # noqa: BLE001 - a line number is a convenience, never a crash
            return None
