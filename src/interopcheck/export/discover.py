"""Exports found in the API description, for the entities the declaration gives no export of.

A supplier may document its bulk files in the OpenAPI description and leave them out of its
declaration. Such an export is read like a declared one, and the checks' evidence says where it
came from. Only unambiguous operations count: a GET on a literal path (no template) whose last
segment names an entity (`property`, `properties`, `rent_accounts`) with a file extension or whose
2xx response offers a bulk file type (NDJSON, CSV, zip).
"""

from __future__ import annotations

from typing import Any

from interopcheck.declaration import ExportDecl
from interopcheck.entities import ENTITIES
from interopcheck.spec.operations import Operation

_EXTENSIONS = {".ndjson": "ndjson", ".jsonl": "ndjson", ".csv": "csv", ".zip": "zip"}
_MEDIA = {
    "application/x-ndjson": "ndjson",
    "application/ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/fhir+ndjson": "ndjson",
    "text/csv": "csv",
    "application/zip": "zip",
}


def _names(entity: str) -> set[str]:
    """The spellings a path may use for `entity`: singular, plural, with `-` or `_`."""
    plural = entity[:-1] + "ies" if entity.endswith("y") else entity + "s"
    spellings = {entity, plural, "people" if entity == "person" else plural}
    return spellings | {s.replace("-", "_") for s in spellings}


_ENTITY_OF = {name: entity for entity in ENTITIES for name in _names(entity)}


def export_of(op: Operation) -> ExportDecl | None:
    """The export `op` serves, when it unambiguously serves one."""
    if op.method != "get" or "{" in op.path:
        return None
    last = op.path.rstrip("/").rsplit("/", 1)[-1].lower()
    stem, dot, ext = last.partition(".")
    entity = _ENTITY_OF.get(stem)
    if entity is None:
        return None
    fmt = _EXTENSIONS.get(dot + ext) if dot else None
    if fmt is None:
        offered = {_MEDIA.get(mt.name.split(";", 1)[0].strip().lower()) for r in op.responses if r.status[:1] == "2" for mt in r.media_types}
        formats = sorted(f for f in offered if f is not None)
        if len(formats) != 1:
            return None  # a JSON collection, or several file types from one URL (content negotiation): not a file
        fmt = formats[0]
    return ExportDecl(entity, fmt, op.path)


def spec_exports(index: Any) -> tuple[ExportDecl, ...]:
    """Every export the description documents, in its order (none without an index)."""
    if index is None:
        return ()
    return tuple(d for op in index.operations if (d := export_of(op)) is not None)


def run_exports(ctx: Any) -> tuple[ExportDecl, ...]:
    """The exports a run reads: the declared ones, and for each entity with none declared, those the description documents."""
    if "export.exports" not in ctx.cache:
        declared = tuple(ctx.declaration.exports) if ctx.declaration is not None else ()
        covered = {d.entity for d in declared}
        found = tuple(d for d in spec_exports(ctx.index) if d.entity not in covered)
        ctx.cache["export.exports"] = declared + found
        ctx.cache["export.discovered"] = found
    return ctx.cache["export.exports"]


def discovered(ctx: Any, entity: str, url: str) -> bool:
    """Whether the export of `entity` at `url` came from the description, not the declaration."""
    run_exports(ctx)
    return any(d.entity == entity and d.url == url for d in ctx.cache["export.discovered"])
