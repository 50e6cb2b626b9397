"""The annex's appendices: the data standard (entities, fields, code lists, read from standards/) and the declaration template.

Both are read from the bundled files at render time, so the annex never drifts from what the checks
test: a field added to a standard schema, or a key added to the template, appears in the next annex.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from interopcheck.entities import ENTITIES
from interopcheck.errors import ProfileError
from interopcheck.profile.annex_blocks import Code, Link, Para, Subsection, Table, Text, text
from interopcheck.resources import profiles_dir, standards_dir
from interopcheck.standards.codes import codes_of, year_label
from interopcheck.standards.registry import read_schemas

TEMPLATE_FILE = "declaration.template.yaml"


def template_path(profile: Any) -> Path:
    """The declaration template of `profile`: beside the first profile file of its chain that has one."""
    for name in getattr(profile, "files", ()):
        for folder in (profiles_dir() / PurePosixPath(name).parent, Path(name).parent):
            if (folder / TEMPLATE_FILE).is_file():
                return folder / TEMPLATE_FILE
    raise ProfileError(
        f"profile {getattr(profile, 'id', '?')} has no {TEMPLATE_FILE} beside its profile.yaml",
        hint=f"add {TEMPLATE_FILE} to the profile's folder (see profiles/housing/)",
    )


def read_template(profile: Any) -> bytes:
    """The bytes of `profile`'s declaration template; a ProfileError when it is missing or unreadable."""
    path = template_path(profile)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"cannot read {path}: {exc.strerror or exc}", hint="check the profile folder's permissions") from exc


def template_blocks(profile: Any) -> tuple[Para | Code, ...]:
    """Appendix B: how to get the template, and the template itself (or why there is none)."""
    try:
        path = template_path(profile)
    except ProfileError:
        return (Para(text(f"Profile {profile.id} ships no declaration template ({TEMPLATE_FILE} beside its profile.yaml): the council supplies one with the tender.")),)
    return (
        Para(text(
            "The supplier answers this annex with a declaration in this form. ",
            f"`interopcheck declaration init --profile {path.parent.name}` writes it to a file; the bidder replaces the example "
            "values with its own and sends it with its tender. interopcheck checks the declaration against its schema before "
            "any test and stops, naming the line, when it is not valid.",
        )),
        Code(read_template(profile).decode("utf-8", errors="replace"), "yaml"),
    )


def standard_sections(schemas: Mapping[str, dict[str, Any]] | None = None) -> tuple[Subsection, ...]:
    """Appendix A: one subsection per entity (fields, types, whether required, code lists), then each code list used."""
    schemas = read_schemas(standards_dir()) if schemas is None else schemas
    entities = [e for e in ENTITIES if f"entities/{e}" in schemas]
    entities += sorted(k.split("/", 1)[1] for k in schemas if k.startswith("entities/") and k.split("/", 1)[1] not in entities)
    parts: list[Subsection] = []
    lists: set[str] = set()
    for entity in entities:
        schema = schemas[f"entities/{entity}"]
        rows = []
        for name, node, required in _fields(schema):
            kind, code_list, nullable = _describe(node)
            if code_list:
                lists.add(code_list)
            rows.append((text(name), text(kind + (" or null" if nullable else "")), text("yes" if required else "no"), text(code_list or "")))
        intro = text(f"{schema.get('title', entity)}.", *_source(schema))
        parts.append(Subsection(f"Entity: {entity}", (Para(intro), Table(("Field", "Type", "Required", "Code list"), tuple(rows))), f"entity-{entity}"))
    for name in sorted(lists):
        schema = schemas.get(f"codelists/{name}")
        if schema is None:
            continue
        rows = tuple((text(str(c.code)), text(c.label + _years(c.since, c.until))) for c in codes_of(schema, None, history=True))
        intro = text(f"{schema.get('title', name)}.", *_source(schema))
        parts.append(Subsection(f"Code list: {name}", (Para(intro), Table(("Code", "Label"), rows)), f"codelist-{name}"))
    return tuple(parts)


def _years(since: int | None, until: int | None) -> str:
    """When a code is valid only in some years of the returns, say which (2025 = 2025/26)."""
    if since is None and until is None:
        return ""
    if until is None:
        return f" (from {year_label(since)})" if since is not None else ""
    return f" ({year_label(since)} to {year_label(until)})" if since is not None else f" (until {year_label(until)})"


def _source(schema: Mapping[str, Any]) -> Text:
    """"Source: citation" with a link, from a schema's x-source, or nothing."""
    source = schema.get("x-source")
    if not isinstance(source, Mapping) or not source.get("citation"):
        return ()
    citation = str(source["citation"])
    return (" Source: ", Link(citation, str(source["url"])) if source.get("url") else citation, ".")


def _fields(schema: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any], bool]]:
    """(name, schema node, required) of each property, and of the properties of arrays of objects as `name[].sub`."""
    out = []
    required = set(schema.get("required") or ())
    for name, node in (schema.get("properties") or {}).items():
        out.append((name, node, name in required))
        items = node.get("items") if isinstance(node, Mapping) else None
        if isinstance(items, Mapping) and items.get("properties"):
            inner = set(items.get("required") or ())
            out += [(f"{name}[].{sub}", child, name in required and sub in inner) for sub, child in items["properties"].items()]
    return out


def _describe(node: Mapping[str, Any]) -> tuple[str, str | None, bool]:
    """(type in words, code list name, nullable) of one property's schema."""
    if "$ref" in node:
        ref = PurePosixPath(str(node["$ref"]).split("#", 1)[0])
        if ref.parent.name == "codelists":
            return "code", ref.stem, False
        return ref.stem, None, False
    for key in ("anyOf", "oneOf"):
        if key in node:
            parts = [_describe(p) for p in node[key] if p != {"type": "null"}]
            nullable = len(parts) < len(node[key]) or any(p[2] for p in parts)
            code_list = next((p[1] for p in parts if p[1]), None)
            return " or ".join(dict.fromkeys(p[0] for p in parts)) or "any", code_list, nullable
    if "type" not in node and "enum" in node:
        values = list(node["enum"])
        return "one of " + ", ".join(str(v) for v in values if v is not None), None, None in values
    kind = node.get("type", "any")
    types = [kind] if isinstance(kind, str) else list(kind)
    nullable = "null" in types
    types = [t for t in types if t != "null"] or ["null"]
    if types == ["array"] and isinstance(node.get("items"), Mapping):
        inner, code_list, _ = _describe(node["items"])
        return f"array of {inner}", code_list, nullable
    words = " or ".join(types)
    if node.get("format"):
        words += f" ({node['format']})"
    if "enum" in node:
        words += ": one of " + ", ".join(str(v) for v in node["enum"] if v is not None)
    return words, None, nullable
