"""Load the bundled JSON Schemas and compile them with jsonschema-rs through a local registry.

Every file under `standards/` is registered under its `$id`; the retriever refuses anything
else, so no `$ref` ever reaches the network and an unknown remote reference is a
`StandardsError` (a defect of the bundled standards, not of the supplier).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from interopcheck.entities import ENTITIES
from interopcheck.errors import StandardsError
from interopcheck.resources import standards_dir
from interopcheck.standards.codes import Code, codes_of, narrow_to_year
from interopcheck.standards.fields import FieldSpec, flatten


@dataclass(frozen=True)
class RecordError:
    """One way a record breaks a standard: where (JSON pointer), why, and the failing keyword."""

    pointer: str
    message: str
    kind: str


def _pointer(path: list[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


class _RefusingRetriever:
    """A retriever that refuses every URI: the registry must hold everything a schema needs."""

    def __call__(self, uri: str) -> Any:
        raise LookupError(f"{uri} is not a bundled standard and remote $refs are never fetched")


class StandardValidator:
    """A compiled standard schema: a fast `is_valid` and a full `errors` list."""

    def __init__(self, name: str, compiled: Any) -> None:
        self.name = name
        self._compiled = compiled

    def is_valid(self, record: Any) -> bool:
        """Whether `record` conforms (stops at the first error)."""
        try:
            return bool(self._compiled.is_valid(record))
        except ValueError as exc:
            raise _not_json(self.name, exc) from exc

    def errors(self, record: Any, limit: int | None = None) -> list[RecordError]:
        """Every way `record` breaks the schema (at most `limit`), in validation order."""
        try:
            return self._errors(record, limit)
        except jsonschema_rs.ValidationError:
            raise
        except ValueError as exc:
            raise _not_json(self.name, exc) from exc

    def _errors(self, record: Any, limit: int | None) -> list[RecordError]:
        out: list[RecordError] = []
        for err in self._compiled.iter_errors(record):
            path = list(err.instance_path)
            kind = err.kind.name
            if kind == "required":  # point at the missing field, not at its parent
                missing = err.kind.as_dict().get("property")
                if isinstance(missing, str):
                    path.append(missing)
            out.append(RecordError(_pointer(path), err.message, kind))
            if limit is not None and len(out) >= limit:
                break
        return out


class StandardsRegistry:
    """All bundled standards: entity schemas, common types, code lists and return formats.

    Names are paths under `standards/` without `.json` (`common/uprn`, `codelists/tenancy-type`);
    an entity is also reachable by its bare name (`property`).
    """

    def __init__(self, schemas: dict[str, dict[str, Any]], root: Path | None = None, year: int | None = None) -> None:
        self.root = root
        self.year = year
        self._schemas = narrow_to_year(schemas, year) if year is not None else schemas
        self._by_id = {s["$id"]: s for s in self._schemas.values()}
        retriever = _RefusingRetriever()
        try:
            self._registry = jsonschema_rs.Registry(list(self._by_id.items()), retriever=retriever)
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            raise StandardsError(f"the bundled standards do not resolve: {_first_line(exc)}") from exc
        self._retriever = retriever
        self._validators: dict[str, StandardValidator] = {}
        self._fields: dict[str, dict[str, FieldSpec]] = {}

    @property
    def entities(self) -> tuple[str, ...]:
        """The entity names that have a standard schema, in ENTITIES order."""
        return tuple(e for e in ENTITIES if f"entities/{e}" in self._schemas)

    @property
    def names(self) -> tuple[str, ...]:
        """Every schema name, sorted."""
        return tuple(sorted(self._schemas))

    def _key(self, name: str) -> str:
        if name in self._schemas:
            return name
        if f"entities/{name}" in self._schemas:
            return f"entities/{name}"
        raise StandardsError(f"no standard schema named {name!r}")

    def schema(self, name: str) -> dict[str, Any]:
        """The raw schema `name` (an entity name or a path like `common/uprn`)."""
        return self._schemas[self._key(name)]

    def validator(self, name: str) -> StandardValidator:
        """The compiled validator of `name` (format assertions on; compiled once)."""
        key = self._key(name)
        found = self._validators.get(key)
        if found is None:
            found = self._compile(key)
            self._validators[key] = found
        return found

    def _compile(self, key: str) -> StandardValidator:
        try:
            compiled = jsonschema_rs.validator_for(
                self._schemas[key],
                validate_formats=True,
                registry=self._registry,
                retriever=self._retriever,
                base_uri=self._schemas[key]["$id"],
            )
        except (ValueError, jsonschema_rs.ReferencingError) as exc:
            raise StandardsError(f"standard {key!r} does not compile: {_first_line(exc)}") from exc
        return StandardValidator(key, compiled)

    def fields(self, name: str) -> dict[str, FieldSpec]:
        """`name`'s fields flattened to JSON pointers, `$ref`s resolved (see `fields.flatten`)."""
        key = self._key(name)
        found = self._fields.get(key)
        if found is None:
            found = flatten(self._schemas[key], self._by_id)
            self._fields[key] = found
        return found

    def codes(self, name: str) -> tuple[Code, ...]:
        """The codes of code list `name` (`codelists/NAME` or `NAME`) valid in this registry's year, with labels."""
        key = name if name in self._schemas else f"codelists/{name}"
        if key not in self._schemas:
            raise StandardsError(f"no code list named {name!r}")
        return codes_of(self._schemas[key], self.year)

    def required_fields(self, name: str) -> dict[str, FieldSpec]:
        """The leaf fields a record of `name` must always carry (required all the way down)."""
        return {p: f for p, f in self.fields(name).items() if f.required and f.leaf}


def _not_json(name: str, exc: ValueError) -> StandardsError:
    """A record holding Python values JSON cannot carry (dates, sets) is a caller's defect."""
    return StandardsError(f"a record given to the {name} validator is not JSON data: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def read_schemas(root: Path) -> dict[str, dict[str, Any]]:
    """Every `*.json` schema under `root`, keyed by relative path without `.json`."""
    schemas: dict[str, dict[str, Any]] = {}
    if not root.is_dir():
        raise StandardsError(f"the standards folder {root} is missing")
    for path in sorted(root.rglob("*.json")):
        name = path.relative_to(root).with_suffix("").as_posix()
        if name.startswith("examples/"):
            continue  # example records published with the schemas, not schemas
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StandardsError(f"standard {name} cannot be read: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("$id"), str):
            raise StandardsError(f"standard {name} has no $id")
        schemas[name] = data
    return schemas


def build_registry(root: Path, year: int | None = None) -> StandardsRegistry:
    """A registry of the schemas under `root`, code lists narrowed to collection `year` when given (uncached)."""
    return StandardsRegistry(read_schemas(root), root, year)


@functools.cache
def load_standards(year: int | None = None) -> StandardsRegistry:
    """The bundled standards for collection `year` (every code when None), loaded and registered once per process."""
    return build_registry(standards_dir(), year)
