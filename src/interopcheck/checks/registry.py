"""The check registry: stable IDs to check functions, with duplicate detection and a runner.

IDs are dotted and never reused (`spec.https-servers`, `live.auth-required`); profiles name
them, reports cite them. A check declares what it `needs`; when that is missing from the
context the runner skips it with the reason instead of calling it.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from interopcheck.checks.context import NEED_REASONS, CheckContext
from interopcheck.checks.results import Decision
from interopcheck.errors import CheckNotApplicable, CheckSkipped, RegistryError
from interopcheck.model import CheckResult, Finding, Status

CheckFunc = Callable[[CheckContext], Decision]


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its stable ID, a human title, its family and what it needs."""

    id: str
    title: str
    family: str
    needs: frozenset[str]
    func: CheckFunc
    description: str


_REGISTRY: dict[str, CheckSpec] = {}


def check(id: str, *, title: str, family: str, needs: tuple[str, ...] = ()) -> Callable[[CheckFunc], CheckFunc]:
    """Register the decorated function under `id`; a second registration of an ID is an error."""
    unknown = set(needs) - NEED_REASONS.keys()
    if unknown:
        raise RegistryError(f"check {id} needs unknown preconditions {sorted(unknown)}")

    def register(func: CheckFunc) -> CheckFunc:
        if id in _REGISTRY and _REGISTRY[id].func.__qualname__ != func.__qualname__:
            raise RegistryError(f"check ID {id!r} is registered twice")
        doc = (func.__doc__ or "").strip()
        _REGISTRY[id] = CheckSpec(id, title, family, frozenset(needs), func, doc)
        return func

    return register


def all_checks() -> dict[str, CheckSpec]:
    """Every registered check, loading the check modules first."""
    from interopcheck.checks import load_all

    load_all()
    return dict(sorted(_REGISTRY.items()))


def get(check_id: str) -> CheckSpec:
    """The check registered under `check_id`, or a RegistryError with a suggestion."""
    checks = all_checks()
    if check_id not in checks:
        raise RegistryError(f"unknown check {check_id!r}{did_you_mean(check_id, checks)}")
    return checks[check_id]


def did_you_mean(name: str, known: object) -> str:
    """`; did you mean 'x'?` for the closest known name, or an empty string."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)  # type: ignore[call-overload]
    return f"; did you mean {close[0]!r}?" if close else ""


def _note_callbacks(decision: Decision, ctx: CheckContext) -> Decision:
    """`decision` with a note, in its evidence, of each callback the index left out of the operations
    (decided once in `spec.callbacks`), so a reader sees why those paths were not judged."""
    assert ctx.index is not None
    notes = tuple(
        Finding(f"{op.key} is left out of the operation checks: {why}", ctx.index.location(op.pointer))
        for op, why in ctx.index.callbacks
    )
    return replace(decision, evidence=decision.evidence + notes)


def run_check(spec: CheckSpec, ctx: CheckContext) -> CheckResult:
    """Run one check; an out-of-scope entity makes it not_applicable, a missing precondition skips it, an exception is an `error`."""
    start = time.perf_counter()
    missing = [need for need in sorted(spec.needs) if not ctx.has(need)]
    broken = [reason for need in missing if (reason := ctx.broken(need))]
    out_of_scope = ctx.scope.reason_for_check(spec.id)
    if out_of_scope:  # an entity no applicable module lists: not run at all
        decision = Decision(Status.NOT_APPLICABLE, out_of_scope)
    elif broken:
        decision = Decision(Status.ERROR, "; ".join(dict.fromkeys(broken)))
    elif missing:
        decision = Decision(Status.SKIP, "; ".join(ctx.missing_reason(m) for m in missing))
    else:
        try:
            decision = spec.func(ctx)
        except CheckSkipped as skip:
            decision = Decision(Status.SKIP, skip.reason)
        except CheckNotApplicable as na:
            decision = Decision(Status.NOT_APPLICABLE, na.reason)
        except Exception as exc:  # noqa: BLE001 - a broken check must not stop the run
            decision = Decision(Status.ERROR, f"check raised {type(exc).__name__}: {exc}")
    if spec.family == "spec" and ctx.index is not None and ctx.index.callbacks and decision.status is not Status.ERROR:
        decision = _note_callbacks(decision, ctx)
    elapsed = (time.perf_counter() - start) * 1000
    return CheckResult(
        check_id=spec.id,
        status=decision.status,
        summary=decision.summary,
        findings=decision.findings,
        evidence=decision.evidence,
        duration_ms=round(elapsed, 3),
    )
