"""The context every check reads: the spec index, declaration, standards, live session, options.

Built once per run by the engine. Checks must not re-walk the raw document when the index
answers the question, and must reach the sandbox only through `ctx.live` (the safe client).
`cache` lets checks share expensive work (a pagination walk, sampled records) within a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from interopcheck.entities import ENTITIES, REFERENCES, Reference
from interopcheck.spec.operations import requires_credentials

if TYPE_CHECKING:
    from interopcheck.declaration import Declaration
    from interopcheck.live.session import LiveSession
    from interopcheck.spec.index import SpecIndex
    from interopcheck.spec.validate import SpecValidation
    from interopcheck.standards import StandardsRegistry


#: What a check can declare it needs, and the reason given when that is missing.
NEED_REASONS: dict[str, str] = {
    "spec": "no API description could be indexed",
    "declaration": "no supplier declaration was given (--declaration)",
    "live": "no sandbox was given (--base-url)",
    "export": "no sandbox was given (--base-url), so the export could not be fetched",
    "credentials": (
        "no credentials given: the API description requires authentication for its data operations, so the "
        "council's data was not read (give --token-url, --client-id and --client-secret-env, or --token-env)"
    ),
}


@dataclass(frozen=True)
class RunOptions:
    """Knobs of a run that checks read (sampling, seeds, limits)."""

    seed: int = 0
    sample: int = 50  # records per entity validated by live checks
    max_pages: int = 50  # pagination walk cap per collection
    max_examples: int = 10  # schemathesis examples per operation
    allow_writes: bool = False
    export_max_records: int | None = None
    export_max_bytes: int | None = None
    export_timeout: float = 600.0
    measures_year: int | None = None  # the April-March year the Tenant Satisfaction Measures count (start year); None: the latest complete one


#: Checks about one entity whose id does not end in it (`data.mapping.E` and the like are found by their id).
SINGLE_ENTITY_CHECKS: dict[str, str] = {"live.uprn-valid": "property"}


@dataclass(frozen=True)
class Scope:
    """What the run covers: the tender's modules, the product's, and so the entities in scope.

    Applicable modules are those required or offered; an entity is in scope when an applicable
    module lists it, or no module of the profile does. Computed once by the engine
    (`engine.scope.resolve_scope`); the default, for a profile without modules, covers everything.
    """

    required: tuple[str, ...] = ()
    required_from: str = "default"  # flag, overlay or default (every module)
    offered: tuple[str, ...] = ()
    offered_from: str = "default"  # declaration, default (the declaration lists none: every module) or no declaration
    applicable: tuple[str, ...] = ()
    entities: tuple[str, ...] = ENTITIES
    references: tuple[Reference, ...] = REFERENCES  # those whose entity and target are both in scope
    out_of_scope: dict[str, str] = field(default_factory=dict)  # entity -> why it is not in scope

    def reason_for_check(self, check_id: str) -> str | None:
        """Why a per-entity check (`data.mapping.repair`) does not apply, or None when it does."""
        parts = check_id.split(".")
        entity = SINGLE_ENTITY_CHECKS.get(check_id) or (parts[2] if len(parts) == 3 else None)
        return self.out_of_scope.get(entity) if entity else None

    def reason_for_modules(self, modules: tuple[str, ...]) -> str | None:
        """Why a requirement tagged with `modules` does not apply (none of them applicable), or None."""
        if not modules or any(m in self.applicable for m in modules):
            return None
        return neither(modules)

    def skipped_references(self) -> tuple[Reference, ...]:
        """References from an entity in scope to one that is not: not checked."""
        return tuple(r for r in REFERENCES if r.entity in self.entities and r.target not in self.entities)


def neither(modules: tuple[str, ...] | list[str]) -> str:
    """"module X is neither required by the tender nor offered by the product" (plural for several)."""
    if len(modules) == 1:
        return f"module {modules[0]} is neither required by the tender nor offered by the product"
    return f"modules {', '.join(modules)} are neither required by the tender nor offered by the product"


@dataclass
class CheckContext:
    """Inputs of a run as checks see them. `None` means that input was not given or failed."""

    index: SpecIndex | None = None
    validation: SpecValidation | None = None
    declaration: Declaration | None = None
    standards: StandardsRegistry | None = None
    live: LiveSession | None = None
    options: RunOptions = field(default_factory=RunOptions)
    cache: dict[str, Any] = field(default_factory=dict)
    live_error: str | None = None  # why the sandbox given could not be used (checks needing it error)
    scope: Scope = field(default_factory=Scope)  # the modules and entities the run covers

    def has(self, need: str) -> bool:
        """Whether the precondition `need` (see NEED_REASONS) is met."""
        if need == "spec":
            return self.index is not None
        if need == "declaration":
            return self.declaration is not None
        if need in ("live", "export"):
            return self.live is not None
        if need == "credentials":  # without a sandbox, "live" is what is missing
            return self.live is None or self.live.auth_kind != "none" or not self._data_secured()
        return False

    def _data_secured(self) -> bool:
        """Whether the API description requires credentials for its data: for a declared entity's collection, else any GET."""
        if "data-secured" not in self.cache:
            ops: list[Any] = []
            if self.index is not None and self.declaration is not None:
                ops = [op for m in self.declaration.entities.values() if m.collection and (op := self.index.find_operation(m.collection))]
            if self.index is not None and not ops:
                ops = [op for op in self.index.operations if op.method == "get"]
            self.cache["data-secured"] = any(requires_credentials(op, self.index.data) for op in ops) if self.index else False
        return bool(self.cache["data-secured"])

    def broken(self, need: str) -> str | None:
        """Why an input that was given could not be used (an `error`, not a `skip`), else None."""
        if need in ("live", "export") and self.live_error:
            return f"the sandbox could not be used: {self.live_error}"
        return None

    def missing_reason(self, need: str) -> str:
        """Why a check needing `need` is skipped."""
        return NEED_REASONS.get(need, f"{need} is not available")
