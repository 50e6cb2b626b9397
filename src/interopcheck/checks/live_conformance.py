"""Live check that the implementation matches its own API description, by schemathesis (see live/schemathesis_bridge.py).

It decides only on what it tested. An operation is covered when the checks judged an answer of
it (not a 401/403, not a request the relay refused); the verdict is `pass` only when every
operation in scope was covered, with response schemas the run could read. Otherwise, with no
failure found, it is `skip` and the reason says first what went untested and why:
- no credentials given: a secured operation (its `security`, or the document's, has no empty
  alternative) is never sent; the public ones are tested;
- a response schema behind a `$ref` that was not fetched (remote) or read (refused, dangling):
  schemathesis sees that part unconstrained (`spec.bundle`), so a pass would say nothing;
- every answer of an operation was 401/403.
A failure found on what was tested is a `fail` all the same. The reason states the scope: positive
tests only, the schemathesis checks run, requests sent, operations covered of how many, and how the
passes were planned (a slow sandbox gets fewer examples and says so, never a cut-short `skip` when
every operation was tested once).
"""

from __future__ import annotations

from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import require_live
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.errors import LiveError
from interopcheck.live.schemathesis_bridge import ConformanceRun, PassResult, run_conformance
from interopcheck.model import Finding
from interopcheck.spec.bundle import Bundle, bundle
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation, requires_credentials

#: The most the schemathesis run may take of the live run's time budget: a run this cuts in its first pass is never a pass.
MAX_CONFORMANCE_S = 45.0
#: The time the run is planned to fit in: the later passes get fewer examples per operation when the rate (or a slow
#: sandbox's pace) would not hold `--max-examples` in it (the report says so), which keeps a default run (--rate 10) under a minute.
PLANNED_CONFORMANCE_S = 30.0
#: Keys whose values are example data, never schemas: a `$ref` member in them is not followed.
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
#: Keys whose values map names to schemas (so a name among them is never taken for a keyword).
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions"})


@check("live.spec-conformance", title="Implementation matches its own description", family="live", needs=("live", "spec"))
def spec_conformance(ctx: CheckContext) -> Decision:  # noqa: PLR0911 - one return per outcome, in order
    """Schemathesis (seeded, bounded, GET-only unless writes are allowed) finds no server errors or responses off the spec."""
    live = require_live(ctx)
    assert ctx.index is not None
    if not isinstance(ctx.index.data, dict) or not ctx.index.operations:
        return skipped("the API description has no operations to exercise")
    writes = ctx.options.allow_writes and live.options.allow_writes
    scope = [op for op in ctx.index.operations if writes or op.method in ("get", "head")]
    secured = [op for op in scope if live.credentials.kind == "none" and requires_credentials(op, ctx.index.data)]
    notes = []
    if secured:
        notes.append(f"no credentials given: {_of(len(secured), len(scope))} are secured and were not tested ({_names(op.key for op in secured)})")
    if len(secured) == len(scope):
        return skipped(notes[0] + "; give the sandbox's credentials (--token-env, --api-key-env, or --client-id with --client-secret-env) to test them")
    budget = min(MAX_CONFORMANCE_S, live.remaining_s())
    if budget < 1:
        return errored("the live run's time budget was spent before schemathesis could run")
    planned = min(PLANNED_CONFORMANCE_S, budget)
    sealed = bundle(ctx.index)  # schemathesis would open files and URLs that the spec stage refused
    try:
        run = run_conformance(
            sealed.data,
            live.client,
            seed=ctx.options.seed,
            max_examples=ctx.options.max_examples,
            headers=live.credentials.headers(),
            allow_writes=writes,
            max_time=budget,
            planned_time=planned,
            exclude=frozenset((op.method.upper(), op.path) for op in secured),
        )
    except LiveError as exc:
        return errored(f"schemathesis could not run: {exc.message}")
    tested = [op for op in scope if op not in secured]
    unread = {op.key: refs for op in tested if (refs := unfetched_response_refs(ctx.index, op))}
    notes += _untested(run, tested, unread, live.credentials.kind == "none")
    covered = [op for op in tested if op.key in run.covered and op.key not in unread]
    detail = _detail(run, planned, live.options.rate, len(covered), len(scope)) + _unsealed(sealed)
    first = "; ".join(notes) + ("; " if notes else "")
    if run.findings:
        return failed(f"{first}{len(run.findings)} distinct conformance failures ({detail})", run.findings)
    if run.operations_errored:
        return errored(f"{first}schemathesis errored on {', '.join(run.operations_errored[:5])} ({detail})", [Finding(e) for e in run.errors[:10]])
    if run.stop_reason == "max_time":  # a sandbox that cannot be tested in the time is no one's failure
        return skipped(
            f"{first}schemathesis did not finish testing each operation once: no failures in what it ran, but the rest went "
            f"untested ({detail}; cut short at the {budget:.0f} s limit); raise --rate or lower --max-examples for a complete run"
        )
    if run.requests == 0:
        reasons = "; ".join(run.errors[:3]) or "no request was sent"
        return errored(f"{first}schemathesis tested nothing: {reasons}")
    if run.stop_reason != "completed":
        return errored(f"{first}schemathesis stopped early ({run.stop_reason}) with no failures in what it ran ({detail})", [Finding(e) for e in run.errors[:10]])
    if notes:
        return skipped(f"{first}no conformance failures in what was tested ({detail})")
    return passed(f"no conformance failures ({detail})", [Finding(detail, data=_data(run))])


def unfetched_response_refs(index: SpecIndex, op: Operation) -> tuple[str, ...]:
    """The `$ref`s, as written, reachable from `op`'s responses that lead to nothing read (remote and not
    fetched, refused, or dangling): where schemathesis sees the response unconstrained."""
    raw = index.get(op.pointer) if op.pointer.startswith("/") else None
    if isinstance(raw, dict) and "responses" in raw:
        roots: list[tuple[Any, str]] = [(raw["responses"], index.root_uri)]
    else:  # an operation in another file: its responses as the index read them
        roots = [(m.schema, index.base_of(m.schema)) for r in op.responses for m in r.media_types if m.schema is not None]
    found: list[str] = []
    seen: set[tuple[str, str]] = set()
    stack = list(roots)
    while stack:
        node, uri = stack.pop()
        if isinstance(node, list):
            stack.extend((v, uri) for v in node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and (uri, ref) not in seen:
            seen.add((uri, ref))
            target = index.target({"$ref": ref}, base=uri)
            if target.node is None:  # name the place the chain stopped at (a remote document), else the `$ref` as written
                found.append(f"{target.uri}#{target.pointer}" if target.uri != index.root_uri else ref)
            else:
                stack.append((target.node, target.uri))
        for key, value in node.items():
            if key in _NAMED_SCHEMAS and isinstance(value, dict):
                stack.extend((v, uri) for v in value.values())  # a property may be called `example`
            elif key != "$ref" and key not in _DATA_KEYS and isinstance(value, (dict, list)):
                stack.append((value, uri))
    return tuple(dict.fromkeys(found))


def _untested(run: ConformanceRun, tested: list[Operation], unread: dict[str, tuple[str, ...]], bare: bool) -> list[str]:
    """What the run sent but could not decide, each a clause for the front of the reason."""
    notes = []
    if unread:
        refs = tuple(dict.fromkeys(r for rs in unread.values() for r in rs))
        notes.append(
            f"{_of(len(unread), len(tested))} have response schemas behind references that were not fetched or read "
            f"({_names(refs)}), so their conformance is not decided ({_names(unread)})"
            + ("; --allow-remote-refs fetches the remote ones" if any(r.startswith(("http://", "https://")) for r in refs) else "")
        )
    refused = [op.key for op in tested if op.key in run.auth_refused]
    if refused:
        how = "without credentials" if bare else "with the credentials given"
        notes.append(f"{_of(len(refused), len(tested))} answered only 401/403 {how}, so none of their answers was judged ({_names(refused)})")
    missed = [op.key for op in tested if op.key not in run.covered and op.key not in run.auth_refused and op.key not in run.operations_errored]
    if missed and run.stop_reason == "completed":
        notes.append(f"{_of(len(missed), len(tested))} got no answer schemathesis could judge ({_names(missed)})")
    return notes


def _of(n: int, total: int) -> str:
    """`3 of 40 operations`."""
    return f"{n} of {total} operation{'s' if total != 1 else ''}"


def _names(names: Any, limit: int = 5) -> str:
    """Up to `limit` names, then how many more."""
    shown = list(names)
    return ", ".join(shown[:limit]) + (f" and {len(shown) - limit} more" if len(shown) > limit else "")


def _detail(run: ConformanceRun, planned: float, rate: float, covered: int, total: int) -> str:
    """The run's scope: positive tests, the checks, requests, operations covered, and how the passes were planned."""
    text = (
        f"positive tests only, schemathesis checks {', '.join(run.checks)}; {run.requests} requests, "
        f"{covered} of {total} operation{'s' if total != 1 else ''} covered; seed {run.seed}, methods {', '.join(run.methods) or 'none'}"
    )
    phases = [_phase(p, run, planned) for p in run.passes]
    if phases:
        text += "; " + ", ".join(phases)
    if run.paced_by == "sandbox":
        text += (
            f"; paced by the sandbox: it kept {run.pace:.1f} requests/s ({run.mean_latency_s:.2f} s an answer on average), "
            f"below --rate {rate:g}, so the coverage and fuzzing phases got only what fitted the planned {planned:.0f} s at that pace"
        )
    elif run.fuzz_examples and run.fuzz_examples < run.max_examples:
        text += f" (of --max-examples {run.max_examples}: as many as fit the planned {planned:.0f} s at --rate {rate:g})"
    return text


def _phase(p: PassResult, run: ConformanceRun, planned: float) -> str:
    """One pass in words: in full, for how many operations and why it stopped, or why it did not run."""
    name = {"examples": "examples phase (documented examples, or one generated per operation)", "coverage": "coverage phase"}.get(p.phase, "fuzzing")
    if p.phase == "fuzzing" and p.examples:
        name = f"fuzzing {p.examples} example{'s' if p.examples != 1 else ''} per operation"
    if p.complete:
        return f"{name} in full"
    why = f"the planned {planned:.0f} s" if p.why == "the planned time" else p.why
    if not p.ran:
        return f"no {p.phase} phase ({why} left no time for it)"
    return f"{name} for {p.operations} of {run.operations_tested} operations (stopped at {why})"


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
    return {
        "requests": run.requests,
        "seed": run.seed,
        "max_examples": run.max_examples,
        "fuzz_examples": run.fuzz_examples,
        "stop_reason": run.stop_reason,
        "operations_covered": len(run.covered),
        "checks": list(run.checks),
        "paced_by": run.paced_by,
        "passes": [{"phase": p.phase, "operations": p.operations, "complete": p.complete, "requests": p.requests} for p in run.passes],
    }
