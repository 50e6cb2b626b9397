"""The run's scope: which modules the tender requires, which the product offers, and so which entities are checked.

Applicable modules = required | offered. Required comes from `--require-modules`, else the borough
overlay's `require_modules`, else every module; offered from the declaration's `modules`, else every
module (a declaration without `modules` keeps its old meaning: the whole product). Module ids that the
profile does not define are bad input (exit 2) with a suggestion.
"""

from __future__ import annotations

from collections.abc import Sequence

from interopcheck.checks.context import Scope, neither
from interopcheck.checks.registry import did_you_mean
from interopcheck.declaration import Declaration
from interopcheck.entities import ENTITIES, REFERENCES
from interopcheck.errors import DeclarationError, UsageError
from interopcheck.profile.load import Profile

FLAG = "--require-modules"


def resolve_scope(profile: Profile, declaration: Declaration | None, require_modules: Sequence[str] | None = None) -> Scope:
    """The scope of a run of `profile` for `declaration`, with the tender's modules from the flag, the overlay or the default."""
    known = [m.id for m in profile.modules]
    if not known:
        if require_modules:
            raise UsageError(f"{FLAG} given, but profile {profile.id} defines no modules", hint=f"drop {FLAG}")
        return Scope()
    if require_modules is not None:
        for module_id in require_modules:
            if module_id not in known:
                raise UsageError(f"{FLAG}: unknown module {module_id!r}{did_you_mean(module_id, known)}", hint=f"choose from {', '.join(known)}, comma-separated")
        required, required_from = _ordered(known, require_modules), "flag"
    elif profile.require_modules is not None:
        required, required_from = profile.require_modules, "overlay"
    else:
        required, required_from = tuple(known), "default"
    offered, offered_from = _offered(known, declaration)
    applicable = _ordered(known, (*required, *offered))
    listed = {e for m in profile.modules for e in m.entities}
    covered = {e for m in profile.modules if m.id in applicable for e in m.entities}
    entities = tuple(e for e in ENTITIES if e in covered or e not in listed)
    out_of_scope = {e: neither([m.id for m in profile.modules if e in m.entities]) for e in ENTITIES if e not in entities}
    references = tuple(r for r in REFERENCES if r.entity in entities and r.target in entities)
    return Scope(required, required_from, offered, offered_from, applicable, entities, references, out_of_scope)


def _ordered(known: Sequence[str], chosen: Sequence[str]) -> tuple[str, ...]:
    """`chosen` in the profile's module order, each once."""
    return tuple(m for m in known if m in chosen)


def _offered(known: Sequence[str], declaration: Declaration | None) -> tuple[tuple[str, ...], str]:
    """The modules the product offers and where that came from; unknown ids in the declaration are a DeclarationError."""
    if declaration is None:
        return tuple(known), "no declaration"
    if declaration.modules is None:
        return tuple(known), "default"
    for j, module_id in enumerate(declaration.modules):
        if module_id not in known:
            line = declaration.line_of(["modules", j])
            where = f"{declaration.source}:{line}" if line else declaration.source
            raise DeclarationError(
                f"{where}: modules names unknown module {module_id!r}{did_you_mean(module_id, known)}",
                hint=f"use the profile's modules: {', '.join(known)}",
            )
    return _ordered(known, declaration.modules), "declaration"


def scope_report(scope: Scope, profile: Profile) -> dict[str, object] | None:
    """The report's `modules` record, or None when the profile defines no modules."""
    if not profile.modules:
        return None
    return {
        "required": list(scope.required),
        "required_from": scope.required_from,
        "offered": list(scope.offered),
        "offered_from": scope.offered_from,
        "applicable": list(scope.applicable),
        "entities": list(scope.entities),
        "not_applicable": [{"module": m.id, "reason": neither([m.id])} for m in profile.modules if m.id not in scope.applicable],
    }
