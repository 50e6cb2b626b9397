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

import yaml

from interopcheck.declaration_mapper import RecordMapper, UnmappedValue, identity_mapper
from interopcheck.declaration_rules import FieldRule, parse_rule
from interopcheck.errors import DeclarationError
from interopcheck.pointers import MISSING, pointer_get
from interopcheck.profile.yamldoc import YamlDoc, read_yaml, validate_doc
from interopcheck.resources import profiles_dir

__all__ = ["MISSING", "Declaration", "DeletionsDecl", "DocumentsDecl", "EntityMapping", "FieldRule", "UnmappedValue", "load_declaration", "pointer_get"]


@dataclass(frozen=True)
class EntityMapping:
    """How one standard entity is served by the supplier's API.

    `fields` gives, per standard pointer, the one supplier pointer its value is read from (plain
    entries and object entries with a single `from`); `rules` the object entries themselves (value
    maps, constants, transforms: see `interopcheck.declaration_rules`). With `identity`, every
    field not in either is the supplier's own.
    """

    entity: str
    collection: str | None = None  # operationId or "GET /path"
    item: str | None = None
    records_pointer: str = "/data"
    next_pointer: str | None = None
    total_pointer: str | None = None  # where a collection page gives the total record count
    id_field: str = "/id"
    updated_field: str | None = "/updated_at"
    updated_since_param: str | None = None
    identity: bool = False  # the supplier's records are already the standard's shape (but for `fields`)
    fields: dict[str, str] = field(default_factory=dict)  # standard pointer -> supplier pointer
    writes: tuple[str, ...] = ()
    rules: dict[str, FieldRule] = field(default_factory=dict)  # standard pointer -> object entry

    def to_standard(self, record: Any) -> Any:
        """The supplier `record` reshaped into the standard's shape (compiles the mapping each call: use `mapper()` in loops)."""
        return self.mapper()(record)

    def mapper(self) -> Callable[[Any], Any]:
        """A fast function for `to_standard`: the identity when nothing is declared per field, else a fresh
        `RecordMapper` whose `unmapped()` tallies the values its value maps did not cover."""
        if self.identity and not self.fields and not self.rules:
            return identity_mapper
        return RecordMapper(self.fields, self.rules, identity=self.identity, id_field=self.id_field)

    def mapped_pointer(self, standard_pointer: str) -> str | None:
        """The supplier pointer that holds `standard_pointer`, or None when it is not mapped (or is a constant or joined)."""
        if standard_pointer in self.fields:
            return self.fields[standard_pointer]
        if self.identity and standard_pointer not in self.rules:
            return standard_pointer
        return None

    def converts(self, standard_pointer: str) -> bool:
        """Whether the standard value is made from the supplier's by a constant, a transform or a value map."""
        rule = self.rules.get(standard_pointer)
        return rule is not None and rule.converts


@dataclass(frozen=True)
class ExportDecl:
    """One declared export file of one entity."""

    entity: str
    format: str  # ndjson, json, csv, zip
    url: str


@dataclass(frozen=True)
class DocumentsDecl:
    """Where document content is downloaded (HSG-API-27): the content operation and the metadata's pointers."""

    content: str  # operationId or "GET /path"
    url_field: str = "/download_url"
    media_type_field: str = "/media_type"
    size_field: str = "/byte_count"


@dataclass(frozen=True)
class DeletionsDecl:
    """How deleted records are reported (HSG-EXP-10): the feed operation, its paging and fields, the manifest's list."""

    collection: str  # operationId or "GET /path"
    since_param: str
    records_pointer: str = "/data"
    next_pointer: str | None = None
    entity_field: str = "/entity"
    id_field: str = "/id"
    deleted_at_field: str = "/deleted_at"
    manifest_pointer: str = "/deleted"


@dataclass(frozen=True)
class Attestation:
    """A statement the supplier signs for one requirement."""

    requirement: str
    statement: str
    signed_by: dict[str, str]
    date: str | None = None
    evidence_url: str | None = None  # the published evidence the statement relies on (a price list)


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
    public_operations: tuple[str, ...] = ()  # operationIds or "GET /path" declared public (no OAuth 2.0)
    returns: dict[str, dict[str, str]] = field(default_factory=dict)  # core_lettings {url, year_param}, h_clic {url, quarter_param}
    subject_access: str | None = None  # the operation returning everything held about one person (HSG-DATA-24)
    documents: DocumentsDecl | None = None
    deletions: DeletionsDecl | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # JSON pointer -> line in `source`
    content: bytes = field(default=b"", compare=False, repr=False)  # the bytes read and hashed into `sha256`

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        *,
        source: str = "<memory>",
        sha256: str = "",
        lines: dict[str, int] | None = None,
        content: bytes = b"",
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
                writes=tuple(spec.get("writes") or ()),
                **_field_entries(name, spec.get("fields") or {}, source, lines or {}),
            )
        exports = tuple(ExportDecl(e["entity"], e["format"], e["url"]) for e in data.get("exports") or ())
        attestations = {
            a["requirement"]: Attestation(
                a["requirement"], a["statement"], dict(a.get("signed_by") or {}), a.get("date"), a.get("evidence_url")
            )
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
            public_operations=tuple(data.get("public_operations") or ()),
            returns={k: dict(v) for k, v in (data.get("returns") or {}).items()},
            subject_access=data.get("subject_access"),
            documents=DocumentsDecl(**data["documents"]) if data.get("documents") else None,
            deletions=DeletionsDecl(**data["deletions"]) if data.get("deletions") else None,
            raw=data,
            lines=dict(lines or {}),
            content=content,
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


def _field_entries(entity: str, entries: dict[str, Any], source: str, lines: dict[str, int]) -> dict[str, Any]:
    """`fields` and `rules` of one entity from its declared `fields` (object entries checked by `parse_rule`)."""
    fields: dict[str, str] = {}
    rules: dict[str, FieldRule] = {}
    for standard, spec in entries.items():
        base = ["entities", entity, "fields", standard]

        def where(path: list[str | int], base: list[str | int] = base) -> str:
            pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in [*base, *path])
            while pointer and pointer not in lines:
                pointer = pointer.rsplit("/", 1)[0]
            return f"{source}:{lines[pointer]}" if pointer in lines else source

        parsed = parse_rule(standard, spec, where)
        if isinstance(parsed, str):
            fields[standard] = parsed
            continue
        rules[standard] = parsed
        if isinstance(parsed.source, str):
            fields[standard] = parsed.source
    return {"fields": fields, "rules": rules}


def _collapsed_map_keys(doc: YamlDoc) -> None:
    """Refuse a value map whose keys YAML reads as one value (`1` and `01` are both the integer 1): the last would win silently."""
    for entity, spec in (doc.data.get("entities") or {}).items():
        for standard, entry in ((spec or {}).get("fields") or {}).items():
            values = entry.get("values") if isinstance(entry, dict) else None
            if not isinstance(values, dict):
                continue
            path = ["entities", entity, "fields", standard, "values"]
            node = _node_at(doc.node, path)
            if isinstance(node, yaml.MappingNode) and len(node.value) != len(values):
                written = [k.value for k, _ in node.value]
                raise DeclarationError(
                    f"{doc.path}:{doc.line_of(path)}: {standard}: the value map's keys {', '.join(written)} hold only "
                    f"{len(values)} distinct values for YAML (01 is read as 1, yes as true)",
                    hint="quote keys that must stay text, e.g. \"01\": 1",
                )


def _node_at(node: yaml.Node | None, path: list[str]) -> yaml.Node | None:
    """The YAML node at `path` (mapping keys as written), or None."""
    for part in path:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if k.value == str(part)), None)
    return node


def declaration_schema_path(profile: str = "housing") -> Path:
    """The JSON Schema that declarations for `profile` must follow (bundled with the profile)."""
    return profiles_dir() / profile / "declaration.schema.json"


def load_declaration(path: str | Path, *, schema: str | Path | None = None) -> Declaration:
    """Read a supplier declaration (YAML), validate it against its schema, and pin it by sha256.

    Raises `DeclarationError` naming the file, the line and the fix for unreadable files (a pipe or
    device included), invalid YAML, alias bombs, schema violations and an attestation given twice.
    The bytes read are kept in `content`, so the evidence bundle holds the file that was checked.
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
    _collapsed_map_keys(doc)
    return Declaration.from_dict(doc.data, source=str(path), sha256=doc.sha256, lines=doc.pointer_lines(), content=doc.raw)
