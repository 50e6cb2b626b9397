"""Profile modules: groups of entities that match how boroughs buy (tenancy management, repairs, ...).

A tender requires some modules and a product offers some; a requirement tagged with modules applies
only when one of them is required or offered. A module lists every entity its records reference
(`interopcheck.entities.REFERENCES`), so referential integrity can be tested inside the module alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from interopcheck.checks.registry import did_you_mean
from interopcheck.entities import ENTITIES, REFERENCES
from interopcheck.errors import ProfileError
from interopcheck.model import Source


@dataclass(frozen=True)
class Module:
    """One module of a profile: its id, title, description and the entities it holds."""

    id: str
    title: str
    entities: tuple[str, ...]
    description: str | None = None
    source: tuple[Source, ...] = ()
    origin: str | None = None  # the profile file that defined it

    def as_dict(self) -> dict[str, Any]:
        """The module as the plain mapping a profile file holds."""
        data: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.description:
            data["description"] = self.description
        data["entities"] = list(self.entities)
        if self.source:
            data["source"] = [{"citation": s.citation, **({"url": s.url} if s.url else {})} for s in self.source]
        return data


def parse_module(raw: Mapping[str, Any], where: str, origin: str) -> Module:
    """A Module from schema-valid data; unknown entities and unlisted reference targets are ProfileErrors at `where`."""
    entities = tuple(raw["entities"])
    for entity in entities:
        if entity not in ENTITIES:
            raise ProfileError(
                f"{where}: module {raw['id']!r} lists unknown entity {entity!r}{did_you_mean(entity, ENTITIES)}",
                hint=f"use the standard entities: {', '.join(ENTITIES)}",
            )
    missing = missing_targets(entities)
    if missing:
        shown = ", ".join(f"{target} ({', '.join(refs)})" for target, refs in missing.items())
        raise ProfileError(
            f"{where}: module {raw['id']!r} does not list entities its records reference: {shown}",
            hint=f"add {', '.join(missing)} to its entities, so referential integrity is testable inside the module",
        )
    return Module(
        id=raw["id"],
        title=raw["title"],
        entities=tuple(e for e in ENTITIES if e in entities),
        description=raw.get("description"),
        source=tuple(Source(s["citation"], s.get("url")) for s in raw.get("source") or ()),
        origin=origin,
    )


def missing_targets(entities: Iterable[str]) -> dict[str, list[str]]:
    """Entities that `entities` must reference but that are not among them, with the references.

    Only references every record makes count: a nullable reference (a household member's tenancy, when
    it belongs to a homelessness case instead) may point outside the module, and the export checks say
    such a reference was not checked rather than count it broken."""
    have = set(entities)
    out: dict[str, list[str]] = {}
    for ref in REFERENCES:
        if ref.entity in have and ref.target not in have and not ref.nullable:
            out.setdefault(ref.target, []).append(f"{ref.entity}.{ref.field}")
    return out


def unknown_module(module_id: str, known: Iterable[str], where: str, what: str) -> ProfileError:
    """The error for a module id that the profile does not define."""
    ids = list(known)
    return ProfileError(
        f"{where}: {what} names unknown module {module_id!r}{did_you_mean(module_id, ids)}",
        hint=f"use the profile's modules: {', '.join(ids) or '(the profile defines none)'}",
    )
