"""Live check that the implementation matches its own API description, by schemathesis (see live/schemathesis_bridge.py)."""

from __future__ import annotations

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import require_live
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.errors import LiveError
from interopcheck.live.schemathesis_bridge import ConformanceRun, run_conformance
from interopcheck.model import Finding
from interopcheck.spec.bundle import Bundle, bundle

#: The most the schemathesis run may take of the live run's time budget: a run this cuts is never a pass.
MAX_CONFORMANCE_S = 45.0
#: The time the run is planned to fit in: fuzzing gets fewer examples per operation when the rate would not
#: hold `--max-examples` in it (the report says so), which keeps a default run (--rate 10) under a minute.
PLANNED_CONFORMANCE_S = 30.0


@check("live.spec-conformance", title="Implementation matches its own description", family="live", needs=("live", "spec"))
def spec_conformance(ctx: CheckContext) -> Decision:
    """Schemathesis (seeded, bounded, GET-only unless writes are allowed) finds no server errors or responses off the spec."""
    live = require_live(ctx)
    assert ctx.index is not None
    if not isinstance(ctx.index.data, dict) or not ctx.index.operations:
        return skipped("the API description has no operations to exercise")
    budget = min(MAX_CONFORMANCE_S, live.remaining_s())
    if budget < 1:
        return errored("the live run's time budget was spent before schemathesis could run")
    planned = min(PLANNED_CONFORMANCE_S, budget)
    sealed = bundle(ctx.index)  # schemathesis would open files and URLs that the spec stage refused
    try:
        headers = live.credentials.headers()
        run = run_conformance(
            sealed.data,
            live.client,
            seed=ctx.options.seed,
            max_examples=ctx.options.max_examples,
            headers=headers,
            allow_writes=ctx.options.allow_writes and live.options.allow_writes,
            max_time=budget,
            planned_time=planned,
        )
    except LiveError as exc:
        return errored(f"schemathesis could not run: {exc.message}")
    detail = _detail(run, planned, live.options.rate) + _unsealed(sealed)
    if run.stop_reason == "max_time":
        detail += f"; cut short at the {budget:.0f} s limit"
    if run.findings:
        return failed(f"{len(run.findings)} distinct conformance failures ({detail})", run.findings)
    if run.requests == 0:
        reasons = "; ".join(run.errors[:3]) or "no request was sent"
        return errored(f"schemathesis tested nothing: {reasons}")
    if run.operations_errored:
        return errored(f"schemathesis errored on {', '.join(run.operations_errored[:5])} ({detail})", [Finding(e) for e in run.errors[:10]])
    if run.stop_reason == "max_time":
        return skipped(
            f"schemathesis did not finish: no failures in what it ran, but the rest went untested ({detail}); "
            "raise --rate or lower --max-examples for a complete run"
        )
    if run.stop_reason != "completed":
        return errored(f"schemathesis stopped early ({run.stop_reason}) with no failures in what it ran ({detail})", [Finding(e) for e in run.errors[:10]])
    return passed(f"no conformance failures ({detail})", [Finding(detail, data=_data(run))])


def _detail(run: ConformanceRun, planned: float, rate: float) -> str:
    """How much was tested, and with how many fuzzing examples per operation (and why fewer than asked)."""
    text = f"{run.requests} requests to {run.operations_tested} operations, seed {run.seed}, methods {', '.join(run.methods) or 'none'}"
    if not run.fuzz_examples:
        return text + "; the fuzzing phase did not run"
    text += f"; examples and coverage phases in full, fuzzing {run.fuzz_examples} example{'s' if run.fuzz_examples != 1 else ''} per operation"
    if run.fuzz_examples < run.max_examples:
        text += f" (of --max-examples {run.max_examples}: as many as fit the planned {planned:.0f} s at --rate {rate:g})"
    return text


def _unsealed(sealed: Bundle) -> str:
    """What of the description schemathesis could not be given, for the outcome's reason ("" when nothing)."""
    parts = []
    if sealed.unresolved:
        shown = ", ".join(sealed.unresolved[:3]) + (", ..." if len(sealed.unresolved) > 3 else "")
        parts.append(f"{len(sealed.unresolved)} $ref{'s' if len(sealed.unresolved) != 1 else ''} the spec stage did not read left unchecked ({shown})")
    if sealed.dropped_external_values:
        parts.append(f"{sealed.dropped_external_values} externalValue example{'s' if sealed.dropped_external_values != 1 else ''} not fetched")
    return "; " + "; ".join(parts) if parts else ""


def _data(run: ConformanceRun) -> dict[str, object]:
    """The run's figures for the report."""
    return {"requests": run.requests, "seed": run.seed, "max_examples": run.max_examples, "fuzz_examples": run.fuzz_examples, "stop_reason": run.stop_reason}
