"""The supplier's declaration: which operations serve which entity, the field mapping, exports, attestations.

Loaded from YAML and validated against `profiles/housing/declaration.schema.json` (see
`load_declaration`). Checks use it to find what to test; the report shows what it claims
next to what was demonstrated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interopcheck.errors import DeclarationError
from interopcheck.profile.yamldoc import read_yaml, validate_doc
from interopcheck.resources import profiles_dir


def pointer_get(record: Any, pointer: str) -> Any:
    """The value at JSON pointer `pointer` in `record`, or `MISSING`."""
    node = record
    if pointer in ("", "/"):
        return node
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if token not in node:
                return MISSING
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def _pointer_set(target: dict[str, Any], pointer: str, value: Any) -> None:
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    node = target
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    node[tokens[-1]] = value


@dataclass(frozen=True)
class EntityMapping:
    """How one standard entity is served by the supplier's API."""

    entity: str
    collection: str | None = None  # operationId or "GET /path"
    item: str | None = None
    records_pointer: str = "/data"
    next_pointer: str | None = None
    total_pointer: str | None = None  # where a collection page gives the total record count
    id_field: str = "/id"
    updated_field: str | None = "/updated_at"
    updated_since_param: str | None = None
    identity: bool = False  # the supplier's records are already the standard's shape
    fields: dict[str, str] = field(default_factory=dict)  # standard pointer -> supplier pointer
    writes: tuple[str, ...] = ()

    def to_standard(self, record: Any) -> Any:
        """The supplier `record` reshaped into the standard's shape by the field mapping."""
        if self.identity:
            return record
        out: dict[str, Any] = {}
        for std_ptr, sup_ptr in self.fields.items():
            value = pointer_get(record, sup_ptr)
            if value is not MISSING:
                _pointer_set(out, std_ptr, value)
        return out

    def mapper(self) -> Callable[[Any], Any]:
        """A fast function for `to_standard` (the identity when nothing is renamed)."""
        if self.identity:
            return _identity
        return self.to_standard

    def mapped_pointer(self, standard_pointer: str) -> str | None:
        """The supplier pointer that holds `standard_pointer`, or None when it is not mapped."""
        if self.identity:
            return standard_pointer
        return self.fields.get(standard_pointer)


def _identity(record: Any) -> Any:
    return record


@dataclass(frozen=True)
class ExportDecl:
    """One declared export file of one entity."""

    entity: str
    format: str  # ndjson, json, csv, zip
    url: str


@dataclass(frozen=True)
class Attestation:
    """A statement the supplier signs for one requirement."""

    requirement: str
    statement: str
    signed_by: dict[str, str]
    date: str | None = None


@dataclass(frozen=True)
class Declaration:
    """A supplier declaration as loaded; `source` and `sha256` pin the file in the report."""

    source: str
    sha256: str
    supplier: dict[str, str]
    profile: str | None
    entities: dict[str, EntityMapping]
    exports: tuple[ExportDecl, ...] = ()
    export_job: dict[str, str] | None = None
    incremental: dict[str, str] | None = None
    data_dictionary: str | None = None
    attestations: dict[str, Attestation] = field(default_factory=dict)
    modules: tuple[str, ...] | None = None  # the profile modules the product offers; None: every module
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # JSON pointer -> line in `source`

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, source: str = "<memory>", sha256: str = "", lines: dict[str, int] | None = None
    ) -> Declaration:
        """Build a declaration from already schema-validated data (`lines`: pointer -> line, when read from a file)."""
        if not isinstance(data, dict):
            raise DeclarationError(f"{source}: a declaration must be a mapping at the top level")
        entities = {}
        for name, spec in (data.get("entities") or {}).items():
            spec = spec or {}
            entities[name] = EntityMapping(
                entity=name,
                collection=spec.get("collection"),
                item=spec.get("item"),
                records_pointer=spec.get("records_pointer", "/data"),
                next_pointer=spec.get("next_pointer"),
                total_pointer=spec.get("total_pointer"),
                id_field=spec.get("id_field", "/id"),
                updated_field=spec.get("updated_field", "/updated_at"),
                updated_since_param=spec.get("updated_since_param"),
                identity=spec.get("mapping") == "identity",
                fields=dict(spec.get("fields") or {}),
                writes=tuple(spec.get("writes") or ()),
            )
        exports = tuple(ExportDecl(e["entity"], e["format"], e["url"]) for e in data.get("exports") or ())
        attestations = {
            a["requirement"]: Attestation(a["requirement"], a["statement"], dict(a.get("signed_by") or {}), a.get("date"))
            for a in data.get("attestations") or ()
        }
        return cls(
            source=source,
            sha256=sha256,
            supplier=dict(data.get("supplier") or {}),
            profile=data.get("profile"),
            entities=entities,
            exports=exports,
            export_job=data.get("export_job"),
            incremental=data.get("incremental"),
            data_dictionary=data.get("data_dictionary"),
            attestations=attestations,
            modules=tuple(data["modules"]) if data.get("modules") is not None else None,
            raw=data,
            lines=dict(lines or {}),
        )

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """The line in `source` of the entry at `path` (keys and indexes), or of its nearest parent; None if not from a file."""
        pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]

    def exports_of(self, entity: str) -> tuple[ExportDecl, ...]:
        """The declared exports of `entity`."""
        return tuple(e for e in self.exports if e.entity == entity)


def declaration_schema_path(profile: str = "housing") -> Path:
    """The JSON Schema that declarations for `profile` must follow (bundled with the profile)."""
    return profiles_dir() / profile / "declaration.schema.json"


def load_declaration(path: str | Path, *, schema: str | Path | None = None) -> Declaration:
    """Read a supplier declaration (YAML), validate it against its schema, and pin it by sha256.

    Raises `DeclarationError` naming the file, the line and the fix for unreadable files, invalid
    YAML, schema violations and an attestation given twice.
    """
    doc = read_yaml(Path(path), DeclarationError)
    validate_doc(doc, Path(schema) if schema else declaration_schema_path(), DeclarationError, "declaration")
    seen: dict[str, int] = {}
    for i, att in enumerate(doc.data.get("attestations") or ()):
        line = doc.line_of(["attestations", i, "requirement"])
        if att["requirement"] in seen:
            raise DeclarationError(
                f"{doc.path}:{line}: {att['requirement']} is attested twice (first at line {seen[att['requirement']]})",
                hint="keep one attestation per requirement",
            )
        seen[att["requirement"]] = line
    return Declaration.from_dict(doc.data, source=str(path), sha256=doc.sha256, lines=doc.pointer_lines())
