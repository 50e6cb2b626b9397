"""`data.code-lists`: supplier code lists within the standard's.

Where a mapped field's standard has a code list and the supplier's schema declares an enum,
every supplier value must be a standard value; where the declaration maps the field's values, every
supplier value must be covered by the map (and land on a standard value). (`data.declaration-valid`, the declaration's own
consistency, is in `data_declaration.py`.)
"""

from __future__ import annotations

from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.data_mapping import entity_record, standards_of, supplier_pointer
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, from_findings, not_applicable
from interopcheck.declaration import FieldRule
from interopcheck.declaration_rules import apply_transform, value_text
from interopcheck.model import Finding, Location
from interopcheck.standards import supplier_type
from interopcheck.standards.supplier import descend

def _through_map(entity: str, std_ptr: str, sup_ptr: str, rule: FieldRule, declared: list[Any],
                 allowed: set[tuple[bool, object]], location: Location | None) -> list[Finding]:
    """The supplier enum compared through the declaration's transform and value map: a value the map does not
    cover (or that the map sends outside the standard's list) is a finding naming it."""
    transform = apply_transform(rule) if rule.transform not in ("join", "ids") else None
    table = rule.table
    uncovered, outside = [], []
    for value in declared:
        seen = transform(value) if transform is not None else value
        text = value_text(seen)
        if table and seen is not None:
            if text is None or text not in table:
                uncovered.append(value)
                continue
            seen = table[text]
        if _key(seen) not in allowed:
            outside.append(value)
    findings = []
    if uncovered:
        findings.append(Finding(
            f"{entity} {std_ptr} (supplier {sup_ptr}) allows values the declaration's value map does not cover: "
            + ", ".join(repr(v) for v in uncovered),
            location=location,
            data={"entity": entity, "field": std_ptr, "supplier_pointer": sup_ptr, "uncovered": uncovered, "mapped_from": [k for k, _ in rule.values]},
        ))
    if outside:
        findings.append(Finding(
            f"{entity} {std_ptr} (supplier {sup_ptr}) allows values that map outside the standard code list: " + ", ".join(repr(v) for v in outside),
            location=location,
            data={"entity": entity, "field": std_ptr, "supplier_pointer": sup_ptr, "extra": outside},
        ))
    return findings


def _key(value: object) -> tuple[bool, object]:
    """A comparison key that keeps True apart from 1 (JSON booleans are not numbers)."""
    return (isinstance(value, bool), value if not isinstance(value, (dict, list)) else repr(value))


@check("data.code-lists", title="Supplier code lists are within the standard code lists", family="data", needs=("spec", "declaration"))
def code_lists(ctx: CheckContext) -> Decision:
    """Each mapped coded field whose supplier schema declares an enum uses only the standard's values."""
    assert ctx.index is not None and ctx.declaration is not None
    standards = standards_of(ctx)
    findings: list[Finding] = []
    compared = undeclared = 0
    for entity in ctx.scope.entities:
        mapping = ctx.declaration.entities.get(entity)
        if mapping is None or entity not in standards.entities:
            continue
        source = entity_record(ctx.index, mapping, ctx.cache)
        if source.located is None:
            continue
        for std_ptr, spec in standards.fields(entity).items():
            sup_ptr = supplier_pointer(mapping, std_ptr) if spec.enum else None
            found = descend(ctx.index, source.located, sup_ptr) if sup_ptr else None
            if found is None or spec.enum is None:
                continue
            declared = supplier_type(found.schema, ctx.index.resolve).enum
            if declared is None:
                undeclared += 1
                continue
            compared += 1
            allowed = {_key(v) for v in spec.enum} | ({_key(None)} if spec.nullable else set())
            rule = mapping.rules.get(std_ptr)
            if rule is not None and (rule.values or rule.transform):
                findings += _through_map(entity, std_ptr, sup_ptr, rule, declared, allowed, ctx.index.location(found.pointer))
                continue
            extra = [v for v in declared if _key(v) not in allowed]
            if extra:
                findings.append(Finding(
                    f"{entity} {std_ptr} (supplier {sup_ptr}) allows values outside the standard code list: "
                    + ", ".join(repr(v) for v in extra),
                    location=ctx.index.location(found.pointer),
                    data={"entity": entity, "field": std_ptr, "supplier_pointer": sup_ptr, "extra": extra, "standard": list(spec.enum)},
                ))
    if compared == 0 and undeclared == 0 and not findings:
        return not_applicable("no mapped field with a standard code list could be found in the API description")
    figures = {"compared": compared, "without_enum": undeclared}
    ok = f"{compared} declared code list(s) within the standard's; {undeclared} coded field(s) declare no enum"
    return from_findings(findings, ok=ok, bad="{n} supplier code list(s) go beyond the standard's",
                         evidence=[Finding(ok, data=figures)])

