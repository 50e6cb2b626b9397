"""Data-model checks per entity: the declared operations exist and are GETs, and the mapping covers the standard.

For each entity E: `data.operations.E` and `data.mapping.E` (see docs/CONTRACTS.md). The
mapping check compares each required standard field with the supplier's response schema at
the mapped pointer and reports a coverage figure (compatible required fields / all of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, failed, passed
from interopcheck.declaration import EntityMapping
from interopcheck.entities import ENTITIES
from interopcheck.model import Finding
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation
from interopcheck.standards import StandardsRegistry, incompatibility, load_standards, supplier_type
from interopcheck.standards.supplier import Located, descend, find_operation, record_schema, response_schema


def standards_of(ctx: CheckContext) -> StandardsRegistry:
    """The run's standards, or the bundled ones when the engine gave none."""
    return ctx.standards if ctx.standards is not None else load_standards()


def mapping_of(ctx: CheckContext, entity: str) -> EntityMapping | None:
    """The declaration's mapping of `entity`, or None when it does not map it."""
    assert ctx.declaration is not None  # the runner only calls these checks with a declaration
    return ctx.declaration.entities.get(entity)


def not_declared(entity: str) -> Decision:
    """The failure when the declaration says nothing about `entity`."""
    message = f"the declaration does not map {entity}"
    return failed(message, [Finding(message, data={"entity": entity})])


def supplier_pointer(mapping: EntityMapping, standard_pointer: str) -> str | None:
    """Where the supplier keeps `standard_pointer`: mapped itself, or below a mapped parent object."""
    direct = mapping.mapped_pointer(standard_pointer)
    if direct is not None:
        return direct
    tokens = standard_pointer.split("/")
    for cut in range(len(tokens) - 1, 1, -1):
        parent = mapping.mapped_pointer("/".join(tokens[:cut]))
        if parent is not None:
            return parent.rstrip("/") + "/" + "/".join(tokens[cut:])
    return None


@dataclass(frozen=True)
class RecordSource:
    """The supplier's record schema for an entity, or why there is none."""

    located: Located | None
    reason: str


def entity_record(index: SpecIndex, mapping: EntityMapping, cache: dict[str, Any]) -> RecordSource:
    """The schema of one supplier record of the entity: from the collection, else the item operation."""
    key = f"data.record.{mapping.entity}"
    if key in cache:
        return cache[key]  # type: ignore[no-any-return]
    source = RecordSource(None, f"the declaration names no operation for {mapping.entity}")
    collection = find_operation(index, mapping.collection) if mapping.collection else None
    item = find_operation(index, mapping.item) if mapping.item else None
    if collection is not None and collection.method == "get":
        located, why = record_schema(index, collection, mapping.records_pointer)
        source = RecordSource(located, why)
    elif item is not None and item.method == "get":
        top = response_schema(item)
        located = descend(index, top, "") if top is not None else None
        source = RecordSource(located, "" if located else f"{item.key} documents no 2xx JSON response schema")
    elif mapping.collection or mapping.item:
        source = RecordSource(None, f"no GET operation of {mapping.entity} is in the API description")
    cache[key] = source
    return source


def _operation_findings(index: SpecIndex, role: str, ref: str) -> tuple[Operation | None, Finding | None]:
    op = find_operation(index, ref)
    if op is None:
        return None, Finding(f"the {role} operation {ref!r} is not in the API description", data={"role": role, "operation": ref})
    if op.method != "get":
        return op, Finding(
            f"the {role} operation {ref!r} is {op.key}, not a GET",
            location=index.location(op.pointer),
            data={"role": role, "operation": ref},
        )
    return op, None


def _operations_check(entity: str) -> None:
    @check(f"data.operations.{entity}", title=f"{entity}: declared operations exist and are GETs", family="data", needs=("spec", "declaration"))
    def run(ctx: CheckContext) -> Decision:
        """The declaration's collection (required) and item operations for the entity exist in the spec and are GETs."""
        assert ctx.index is not None
        mapping = mapping_of(ctx, entity)
        if mapping is None:
            return not_declared(entity)
        findings: list[Finding] = []
        evidence: list[Finding] = []
        if not mapping.collection:
            findings.append(Finding(f"the declaration names no collection operation for {entity}", data={"role": "collection"}))
        for role, ref in (("collection", mapping.collection), ("item", mapping.item)):
            if not ref:
                continue
            op, problem = _operation_findings(ctx.index, role, ref)
            if problem is not None:
                findings.append(problem)
            elif op is not None:
                evidence.append(Finding(f"{role}: {op.key}", location=ctx.index.location(op.pointer), data={"role": role, "operation": ref}))
        if findings:
            return failed(f"{len(findings)} problem(s) with the operations declared for {entity}", findings, evidence)
        return passed(f"{entity} is served by " + ", ".join(e.message for e in evidence), evidence)


def _mapping_check(entity: str) -> None:
    @check(f"data.mapping.{entity}", title=f"{entity}: standard fields mapped with compatible types", family="data", needs=("spec", "declaration"))
    def run(ctx: CheckContext) -> Decision:
        """Every required standard field of the entity is mapped to a supplier field of a compatible type and format."""
        assert ctx.index is not None
        mapping = mapping_of(ctx, entity)
        if mapping is None:
            return not_declared(entity)
        return decide_mapping(ctx.index, mapping, standards_of(ctx), ctx.cache)


def decide_mapping(index: SpecIndex, mapping: EntityMapping, standards: StandardsRegistry, cache: dict[str, Any]) -> Decision:
    """Compare the entity's required standard fields with the supplier's record schema."""
    entity = mapping.entity
    required = standards.required_fields(entity)
    source = entity_record(index, mapping, cache)
    findings: list[Finding] = []
    mapped = compatible = 0
    for std_ptr, spec in required.items():
        sup_ptr = supplier_pointer(mapping, std_ptr)
        converted = mapping.converts(std_ptr)  # a constant, transform or value map: its values are checked at load
        if sup_ptr is None and converted:
            mapped += 1
            compatible += 1
            continue
        if sup_ptr is None:
            findings.append(Finding(f"required standard field {std_ptr} is not mapped", data={"field": std_ptr, "problem": "unmapped"}))
            continue
        mapped += 1
        if source.located is None:
            continue
        found = descend(index, source.located, sup_ptr)
        if found is None:
            findings.append(Finding(
                f"{std_ptr} is mapped to {sup_ptr}, which the response schema does not declare",
                location=index.location(source.located.pointer),
                data={"field": std_ptr, "supplier_pointer": sup_ptr, "problem": "undeclared"},
            ))
            continue
        reason = None if converted else incompatibility(supplier_type(found.schema, index.resolve), spec)
        if reason is None:
            compatible += 1
            continue
        findings.append(Finding(
            f"{std_ptr} (mapped to {sup_ptr}): {reason}",
            location=index.location(found.pointer),
            data={"field": std_ptr, "supplier_pointer": sup_ptr, "problem": "incompatible", "reason": reason},
        ))
    if source.located is None:
        findings.insert(0, Finding(f"types cannot be compared: {source.reason}", data={"problem": "no-schema"}))
    coverage = compatible / len(required) if required else 1.0
    figures = {"entity": entity, "required": len(required), "mapped": mapped, "compatible": compatible, "coverage": round(coverage, 4)}
    summary_line = f"{compatible} of {len(required)} required {entity} fields mapped with compatible types ({coverage:.0%})"
    evidence = [Finding(summary_line, data=figures)]
    if findings:
        return failed(summary_line, [Finding(f"coverage of {entity}", data=figures), *findings], evidence)
    return passed(summary_line, evidence)


for _entity in ENTITIES:
    _operations_check(_entity)
    _mapping_check(_entity)
