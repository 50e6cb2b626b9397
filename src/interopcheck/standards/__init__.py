"""The bundled data standards: load, register locally and compile the JSON Schemas under `standards/`.

`load_standards()` is the entry point (cached per process); see `registry` for the
network-free registry and `fields` for the flattened field view the data checks compare.
"""

from __future__ import annotations

from interopcheck.standards.codes import Code, parse_year, year_label
from interopcheck.standards.fields import FieldSpec, SupplierType, incompatibility, supplier_type
from interopcheck.standards.registry import (
    RecordError,
    StandardsRegistry,
    StandardValidator,
    build_registry,
    load_standards,
)

__all__ = [
    "Code",
    "FieldSpec",
    "RecordError",
    "StandardValidator",
    "StandardsRegistry",
    "SupplierType",
    "build_registry",
    "incompatibility",
    "load_standards",
    "parse_year",
    "year_label",
    "supplier_type",
]
