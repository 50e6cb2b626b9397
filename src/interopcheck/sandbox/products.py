"""The sandbox's products: the reference supplier, and two variants that prove value mapping and modules end to end.

A product says which entities the sandbox serves and, per entity, which standard fields the supplier
serves under its own name and in its own codes (`Rename`). Records are generated in the standard's
shape and converted to the product's by `Product.to_supplier`, so the stored JSON and CSV line, the
OpenAPI record schemas, the CSV columns and the data dictionary all follow the product's field table
(`Product.fields`). Each product has its own bundled declaration, which maps the supplier's names and
codes back to the standard's.

- `reference`: every entity in the standard's shape and national codes (CORE, HACT, H-CLIC).
- `own-codes`: the same entities, but a few fields carry the supplier's own names and codes (and a
  start date served as a date-time); its declaration maps them with value maps and a transform.
- `homelessness-only`: a homelessness and housing options product: people and homelessness cases (the
  homelessness module), and the entities in no module, whose requirements every tender has: documents,
  household members and the change history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from interopcheck.entities import ENTITIES
from interopcheck.sandbox.fields import FIELDS, Field

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Rename:
    """One standard field the supplier serves under its own name, in its own codes or form.

    `codes` maps each national code to the supplier's own code; `serve` says how the value is written
    otherwise: "date-time" (a date served as midnight UTC) or "name" (given and family names, or the
    full name, served as one `name`; `absorbs` are the standard fields it replaces).
    """

    standard: str
    supplier: str
    description: str
    codes: Mapping[Any, str] | None = None
    serve: str | None = None
    absorbs: tuple[str, ...] = ()

    def field(self, standard: Field) -> Field:
        """The supplier's field in place of the standard field `standard`."""
        if self.codes is not None:
            schema: dict[str, Any] | None = {"type": "string", "enum": list(self.codes.values())}
            return Field(self.supplier, "string", self.description, standard.required, standard.nullable, schema=schema)
        if self.serve == "date-time":
            return Field(self.supplier, "date-time", self.description, standard.required, standard.nullable)
        return Field(self.supplier, "string", self.description, required=False, schema={"type": "string", "minLength": 1})

    def value(self, record: dict[str, Any]) -> Any:
        """The supplier's value of this field for standard `record` (None when the record has none)."""
        if self.serve == "name":
            full = record.get("full_name")
            parts = [record.get(k) for k in ("given_name", "family_name") if record.get(k)]
            return full or (" ".join(parts) if parts else None)
        value = record.get(self.standard)
        if value is None:
            return None
        if self.codes is not None:
            return self.codes[value]
        if self.serve == "date-time":
            return f"{value}T00:00:00Z"
        return value


@dataclass(frozen=True)
class Product:
    """A sandbox product: its entities, its renamed fields, its declaration and the modules a tender for it requires."""

    name: str
    summary: str
    declaration_file: str
    entities: tuple[str, ...] = ENTITIES
    renames: Mapping[str, tuple[Rename, ...]] = field(default_factory=dict)
    tender_modules: tuple[str, ...] | None = None  # what the demo's tender requires (None: the profile's default)
    title: str = "Example Housing reference sandbox"

    @property
    def declaration_path(self) -> Path:
        """The product's bundled supplier declaration."""
        return HERE / self.declaration_file

    @cached_property
    def table(self) -> dict[str, tuple[Field, ...]]:
        """The product's field table: entity -> its fields (and CSV columns) as the supplier serves them."""
        return {entity: self._fields(entity) for entity in self.entities}

    def fields(self, entity: str) -> tuple[Field, ...]:
        """The fields of `entity` as this product serves them."""
        return self.table[entity]

    def _fields(self, entity: str) -> tuple[Field, ...]:
        renames = self.renames.get(entity, ())
        by_standard = {r.standard: r for r in renames}
        absorbed = {name for r in renames for name in r.absorbs}
        out = []
        for std in FIELDS[entity]:
            if std.name in by_standard:
                out.append(replace(by_standard[std.name].field(std), standard=f"/{std.name}"))
            elif std.name not in absorbed:
                out.append(std)
        return tuple(out)

    def to_supplier(self, entity: str, record: dict[str, Any]) -> dict[str, Any]:
        """Standard `record` of `entity` in the supplier's shape (the same dict when nothing is renamed)."""
        renames = self.renames.get(entity, ())
        if not renames:
            return record
        replaced = {name: r for r in renames for name in (r.standard, *r.absorbs)}
        out: dict[str, Any] = {}
        for key, value in record.items():
            rename = replaced.get(key)
            if rename is None:
                out[key] = value
            elif rename.supplier not in out:
                served = rename.value(record)
                if served is not None or rename.serve != "name":  # a composed name is left out, not null
                    out[rename.supplier] = served
        return out

    def to_national(self, entity: str, supplier_field: str, value: Any) -> Any:
        """The national code of the supplier's code `value` of `supplier_field` (the value itself when it is not coded)."""
        for rename in self.renames.get(entity, ()):
            if rename.supplier == supplier_field and rename.codes is not None:
                return {v: k for k, v in rename.codes.items()}.get(value, value)
        return value

    def supplier_name(self, entity: str, standard_field: str) -> str:
        """The name under which the supplier serves `standard_field` of `entity`."""
        return next((r.supplier for r in self.renames.get(entity, ()) if r.standard == standard_field), standard_field)


#: The own-codes supplier's codes: national code -> the supplier's code. One per code of each national list.
UNIT_TYPES = {2: "BEDSIT", 8: "BUNGALOW", 1: "FLAT", 7: "HOUSE", 10: "SHARED-BUNGALOW", 4: "SHARED-FLAT", 9: "SHARED-HOUSE", 6: "OTHER"}
TENURE_TYPES = {4: "AST-FIXED", 6: "SECURE-FIXED", 2: "ASSURED", 7: "SECURE", 8: "PERIODIC", 5: "LICENCE", 3: "OTHER"}
PRIORITY_CODES = {"1": "IMM", "2": "EMG", "3": "URG", "4": "NRM", "5": "INS"}
LOSS_REASONS = {
    "end-of-private-rented-tenancy-assured-shorthold": "PRS-AST",
    "end-of-private-rented-tenancy-not-assured-shorthold": "PRS-OTHER",
    "family-or-friends-no-longer-willing-or-able-to-accommodate": "FAMILY-FRIENDS",
    "non-violent-relationship-breakdown-with-partner": "RELATIONSHIP",
    "domestic-abuse": "DA",
    "other-violence-or-harrassment": "VIOLENCE",
    "end-of-social-rented-tenancy": "SOCIAL-END",
    "eviction-from-supported-housing": "SUPPORTED-EVICTION",
    "left-institution-with-no-accommodation-available": "INSTITUTION",
    "required-to-leave-accommodation-provided-by-home-office-as-asylum-support": "ASYLUM",
    "home-no-longer-suitable-disability-ill-health": "UNSUITABLE",
    "loss-of-placement-or-sponsorship-provided-through-a-resettlement-scheme": "RESETTLEMENT",
    "other-reasons-not-known": "OTHER",
}

REFERENCE = Product("reference", "every entity in the standard's shape and national codes", "declaration.yaml")
OWN_CODES = Product(
    "own-codes",
    "the supplier's own field names and codes for a few fields, mapped back by its declaration's value maps and a transform",
    "declaration-own-codes.yaml",
    renames={
        "property": (Rename("property_type", "unitType", "Type of unit, in our own codes.", codes=UNIT_TYPES),),
        "person": (Rename("full_name", "name", "The person's whole name in one field.", serve="name", absorbs=("given_name", "family_name")),),
        "tenancy": (
            Rename("tenancy_type", "tenureType", "Type of tenancy, in our own codes.", codes=TENURE_TYPES),
            Rename("start_date", "startDateTime", "When the tenancy starts (RFC 3339 date-time, midnight UTC).", serve="date-time"),
        ),
        "repair": (Rename("priority", "priorityCode", "Priority of the repair, in our own codes.", codes=PRIORITY_CODES),),
        "homelessness-case": (Rename("reason_for_loss_of_settled_home", "lossReason", "Why the applicant lost their last settled home, in our own codes.", codes=LOSS_REASONS),),
    },
    title="Example Housing sandbox (own field names and codes)",
)
HOMELESSNESS_ONLY = Product(
    "homelessness-only",
    "a homelessness and housing options product: people and homelessness cases, with their documents, households and change history",
    "declaration-homelessness.yaml",
    entities=("person", "homelessness-case", "document", "household-member", "change-event"),
    tender_modules=("homelessness",),
    title="Example Housing Options sandbox (homelessness only)",
)

#: Every product by name, the reference first.
PRODUCTS: dict[str, Product] = {p.name: p for p in (REFERENCE, OWN_CODES, HOMELESSNESS_ONLY)}


def product_named(name: str) -> Product:
    """The product called `name`; a UsageError naming the products otherwise."""
    from interopcheck.errors import UsageError

    if name not in PRODUCTS:
        raise UsageError(f"unknown sandbox product {name!r}", hint="known products: " + ", ".join(PRODUCTS))
    return PRODUCTS[name]
