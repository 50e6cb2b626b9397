"""The context every check reads: the spec index, declaration, standards, live session, options.

Built once per run by the engine. Checks must not re-walk the raw document when the index
answers the question, and must reach the sandbox only through `ctx.live` (the safe client).
`cache` lets checks share expensive work (a pagination walk, sampled records) within a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any


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

    def has(self, need: str) -> bool:
        """Whether the precondition `need` (see NEED_REASONS) is met."""
        if need == "spec":
            return self.index is not None
        if need == "declaration":
            return self.declaration is not None
        if need in ("live", "export"):
            return self.live is not None
        return False

    def broken(self, need: str) -> str | None:
        """Why an input that was given could not be used (an `error`, not a `skip`), else None."""
        if need in ("live", "export") and self.live_error:
            return f"the sandbox could not be used: {self.live_error}"
        return None

    def missing_reason(self, need: str) -> str:
        """Why a check needing `need` is skipped."""
        return NEED_REASONS.get(need, f"{need} is not available")
