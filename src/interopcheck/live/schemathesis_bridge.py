"""Spec conformance through schemathesis 4.32's engine: seeded, bounded, read-only by default, credentials redacted.

The configuration is built explicitly (`schemathesis.Config()`), never discovered, so a
`schemathesis.toml` in the working directory cannot change what an evaluation runs. Its
requests reach the sandbox through a loopback relay (`relay.py`) and the safe client, so the
byte cap, deadlines, rate cap, origin-bound redirects and transcript hold for them too. Each
check failure becomes a `Finding` carrying the client's record of the exchange and a curl line.

A run has three passes, planned to the time it is given (`planned_time`) and the pace it can go:
the examples phase first, with a generated example for each operation that documents none, so
every operation gets at least one positive test (a run whose first pass the time cap cuts is
never a pass); then the coverage phase; then fuzzing with `max_examples` per operation, fewer when
the plan does not hold them. The plan counts requests at the rate cap (`--rate`), so a seeded run
sends the same requests on a fast machine and a busy one, unless the sandbox answers too slowly
to keep up with it: then fuzzing gets what fits at the pace it kept, possibly nothing, and the
run says so. Operations are tested four at a time, so a slow answer does not hold up the others.
A time cap that cuts a later pass leaves a verdict with stated coverage: a correct sandbox that is
slow still gets one. Ctrl-C
(which schemathesis catches and reports as an `Interrupted` event) is raised again as
KeyboardInterrupt: an interrupted run never yields a result.
"""

from __future__ import annotations

import contextlib
import copy
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from interopcheck.errors import LiveError
from interopcheck.live.client import MAX_RETRY_WAIT_S, SafeClient
from interopcheck.live.redact import Redactor
from interopcheck.live.relay import REFUSED_HEADER, Relay
from interopcheck.live.schemathesis_evidence import header as _header
from interopcheck.live.schemathesis_evidence import sandbox_text as _sandbox_text
from interopcheck.live.schemathesis_evidence import to_finding
from interopcheck.model import Finding

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
PHASES = ("examples", "coverage", "fuzzing")
MAX_FINDINGS = 100
#: Answers that say the request was not let in: an operation that only ever got these was not tested.
AUTH_REFUSALS = frozenset({401, 403})
#: Operations tested at once after the first pass when the sandbox answers slowly (each operation's tests
#: stay in one worker, seeded, so the requests per operation are the same whatever the order; the rate cap
#: holds for all of them together). One at a time, a sandbox answering in 0.45 s on average gets 2 requests
#: a second; four at a time, about 5 (measured against `sandbox serve --fault slow`). The first pass is
#: always one at a time: it loads what schemathesis imports lazily before any thread does.
WORKERS = 4
#: A mean answer time over this (and over the rate cap's interval) makes the sandbox slow: the later
#: passes then run WORKERS at a time and stop at the planned time.
SLOW_ANSWER_S = 0.1


@dataclass(frozen=True)
class PassResult:
    """How far one pass (one schemathesis phase) went: `operations` whose tests in it finished."""

    phase: str
    operations: int
    complete: bool  # every operation of the run finished this pass
    requests: int = 0
    examples: int = 0  # fuzzing: examples per operation it was given
    why: str = ""  # why it stopped early or did not run ("" when complete)
    ran: bool = False  # it started (False: the plan left no time for it)


@dataclass(frozen=True)
class ConformanceRun:
    """What one schemathesis run found: failures as findings, and how much it tested."""

    findings: tuple[Finding, ...]
    operations_tested: int
    operations_errored: tuple[str, ...]
    requests: int
    seed: int
    stop_reason: str  # completed (the first pass finished), max_time (our time cap cut it), server_unavailable, ...
    errors: tuple[str, ...] = ()
    methods: tuple[str, ...] = field(default=())
    max_examples: int = 0  # examples per operation asked for
    fuzz_examples: int = 0  # examples per operation the fuzzing pass ran with (0: it did not run)
    covered: tuple[str, ...] = ()  # operations with an answer the checks judged (not refused, not 401/403)
    auth_refused: tuple[str, ...] = ()  # operations whose every answer was 401 or 403
    passes: tuple[PassResult, ...] = ()
    paced_by: str = "rate"  # rate: planned in requests at the rate cap; sandbox: in seconds at the pace it kept
    mean_latency_s: float = 0.0  # the sandbox's mean answer time
    pace: float = 0.0  # requests a second the run went at (sandbox pacing)
    checks: tuple[str, ...] = CHECKS


def _config(
    base_url: str,
    *,
    seed: int,
    max_examples: int,
    headers: dict[str, str],
    timeout: float,
    phases: list[str],
    workers: int = 1,
) -> Any:
    """The explicit schemathesis configuration of one pass (never discovered from files)."""
    import schemathesis

    config = schemathesis.Config()  # explicit: no schemathesis.toml discovery
    # no max_time: with one, schemathesis repeats its fuzzing phase until the time is used up;
    # the caller bounds the run by stopping the event stream instead
    config.update(seed=seed, max_failures=None)
    project = config.projects.override
    project.update(
        base_url=base_url,
        headers=dict(headers),
        request_timeout=timeout,
        max_redirects=0,  # a redirect is a response to check, never a hop to another host
        # no rate_limit: every request goes through the relay to the safe client, whose cap holds for all traffic
        workers=workers,
        request_retries=0,
    )
    project.phases.update(phases=list(phases))
    project.phases.coverage.unexpected_methods = set()  # never probe with other methods
    project.phases.examples.fill_missing = True  # an operation without examples gets one generated: none goes untested
    # ... and only that one: with ids reused from earlier responses, the filled-in examples grew to 100 per item operation
    project.phases.examples.extra_data_sources.responses = False
    project.checks.update(included_check_names=list(CHECKS))
    project.generation.update(max_examples=max_examples, modes=["positive"], database="none", no_shrink=True)
    project.auth.auto_signup = False
    return config


class _Tally:
    """What the passes of one run saw so far, and who stopped the engine (internal, mutable)."""

    def __init__(self, redactor: Redactor, unauthenticated: bool) -> None:
        self.redactor = redactor
        self.unauthenticated = unauthenticated  # requests carry no credentials: 401/403 answers are never judged
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str, str]] = set()
        self.errored: list[str] = []
        self.errors: list[str] = []
        self.tested: set[str] = set()
        self.covered: set[str] = set()
        self.refused_auth: set[str] = set()
        self.methods: set[str] = set()
        self.requests = 0
        self.pass_done: set[str] = set()  # operations whose test finished in the current pass
        self.stop = "completed"
        self.cut = False  # we stopped the engine (the time cap): its Interrupted events are ours
        self.planned_stop = False  # we stopped the current pass at the planned time: so are these
        self.stream: Any = None
        self.relay: Relay | None = None
        self.lock = threading.Lock()

    def cut_short(self) -> None:
        """Stop the current pass because the time cap is reached (from the timer or the event loop)."""
        with self.lock:
            self.cut = True
            self.stop = "max_time"
            if self.stream is not None:
                self.stream.stop()  # the engine finishes the current scenario and then ends


def run_conformance(  # noqa: PLR0913
    spec: dict[str, Any],
    client: SafeClient,
    *,
    seed: int = 0,
    max_examples: int = 10,
    headers: dict[str, str] | None = None,
    allow_writes: bool = False,
    max_time: float = 120.0,
    planned_time: float | None = None,
    exclude: frozenset[tuple[str, str]] = frozenset(),
) -> ConformanceRun:
    """Run schemathesis over `spec` against `client`'s sandbox; LiveError when schemathesis cannot run at all.

    `spec` must be self-contained (`spec.bundle`): schemathesis would open any file or URL a `$ref`
    names. Its traffic goes through a loopback relay to `client`, so every cap of the safe client
    holds. `max_time` is the hard cap (a run it cuts in its first pass says `stop_reason="max_time"`);
    `planned_time`, when given, is what the passes are planned to fit (module docstring).
    `exclude` names operations, as (METHOD, path), never to send (secured ones when no credentials
    are given). Without credential headers, 401/403 answers are not judged and cover nothing.
    """
    try:
        import schemathesis  # noqa: F401 - fail early and clearly when missing
        from schemathesis.engine import events, from_schema
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise LiveError(f"schemathesis is not installed: {exc}") from None
    # the relay answers within the client's deadline and retry waits; schemathesis must wait longer than that
    timeout = client.request_deadline_s + MAX_RETRY_WAIT_S + 5
    tally = _Tally(client.redactor, unauthenticated=not headers)
    started = time.monotonic()
    hard = started + max_time
    planned_end = started + planned_time if planned_time is not None else hard
    timer = threading.Timer(max_time, tally.cut_short)  # the engine checks its stop flag between tests
    timer.daemon = True
    passes: list[PassResult] = []
    fuzz, paced_by, pace = 0, "rate", 0.0
    with Relay(client) as relay, _hypothesis_storage():
        tally.relay = relay
        settings = {"seed": seed, "headers": headers or {}, "timeout": timeout, "allow_writes": allow_writes, "exclude": exclude}

        def one(phase: str, examples: int, workers: int = 1, soft: float | None = None) -> None:
            before = tally.requests
            tally.pass_done, tally.planned_stop = set(), False
            schema = _load(spec, relay.url, client.redactor, phases=[phase], max_examples=examples, workers=workers, **settings)
            _consume(from_schema(schema), tally, hard, soft, events)
            complete = tally.stop == "completed" and not tally.cut and not tally.planned_stop
            why = "" if complete else ("the time cap" if tally.cut else "the planned time" if tally.planned_stop else tally.stop)
            passes.append(PassResult(phase, len(tally.pass_done), complete, tally.requests - before, examples if phase == "fuzzing" else 0, why, ran=True))

        timer.start()
        try:
            one("examples", max_examples)  # every operation once: the floor of a verdict
            if not tally.cut and tally.stop == "completed":
                slow = relay.mean_latency_s > max(SLOW_ANSWER_S, 1 / max(client.rate, 1e-9))
                workers, soft = (WORKERS, planned_end) if slow else (1, None)  # a fast sandbox: counted in requests only
                paced_by = "sandbox" if slow else "rate"
                if time.monotonic() < planned_end:
                    one("coverage", max_examples, workers, soft)
                else:
                    passes.append(PassResult("coverage", 0, False, why="the planned time"))
                pace = tally.requests / max(1e-3, time.monotonic() - started)
                if not tally.cut:
                    fuzz, short = _fuzz_examples(tally, planned_time, planned_end, hard, client.rate, max_examples, pace)
                    paced_by = "sandbox" if short else paced_by
                    if fuzz > 0 and (soft is None or time.monotonic() < soft):
                        one("fuzzing", fuzz, workers, soft)
                    else:
                        fuzz = 0
                        passes.append(PassResult("fuzzing", 0, False, why="the planned time"))
        finally:
            timer.cancel()
        latency = relay.mean_latency_s
    first_complete = bool(passes) and passes[0].complete
    stop = "completed" if first_complete else ("max_time" if tally.cut or time.monotonic() > hard else tally.stop)
    return ConformanceRun(
        findings=tuple(sorted(tally.findings, key=_finding_order)),  # workers finish in any order
        operations_tested=len(tally.tested),
        operations_errored=tuple(sorted(set(tally.errored))),
        requests=tally.requests,
        seed=seed,
        stop_reason=stop,
        errors=tuple(tally.errors[:20]),
        methods=tuple(sorted(tally.methods)),
        max_examples=max_examples,
        fuzz_examples=fuzz,
        covered=tuple(sorted(tally.covered)),
        auth_refused=tuple(sorted(tally.refused_auth - tally.covered)),
        passes=tuple(passes),
        paced_by=paced_by,
        mean_latency_s=latency,
        pace=pace,
    )


def _finding_order(finding: Finding) -> tuple[str, str, str]:
    """Findings by operation, then failure code and title: the same order whichever worker finished first."""
    data = finding.data or {}
    return (str(data.get("operation") or ""), str(data.get("code") or ""), str(data.get("title") or ""))


@contextlib.contextmanager
def _hypothesis_storage() -> Iterator[None]:
    """Hypothesis' storage in a temporary folder for the run, so no `.hypothesis/` is left in the working directory.

    The example database is already off (`database="none"`), but hypothesis still caches the
    constants it collects from loaded modules and its Unicode tables under its home directory,
    `./.hypothesis` unless set (`hypothesis.configuration.set_hypothesis_home_dir`).
    """
    from hypothesis.configuration import set_hypothesis_home_dir

    with tempfile.TemporaryDirectory(prefix="interopcheck-hypothesis-") as folder:
        set_hypothesis_home_dir(folder)
        try:
            yield
        finally:
            set_hypothesis_home_dir(None)


def _fuzz_examples(tally: _Tally, planned_time: float | None, planned_end: float, hard: float, rate: float, max_examples: int, pace: float) -> tuple[int, bool]:
    """Examples per operation for the fuzzing pass (0: none), and whether the sandbox's pace, not the rate, set it.

    Planned at the rate cap, counted in requests (planned time x rate, less what was sent), never
    measured in seconds, so a seeded run sends the same requests on a fast machine and on a busy
    one. A sandbox too slow to keep up with the rate gets fewer: what its pace so far fits before
    halfway from the planned time to the cap (the margin keeps a fast sandbox on a busy machine
    on the count in requests).
    """
    if planned_time is None:
        return max_examples, False
    operations = max(1, len(tally.tested))
    by_rate = max(0, min(max_examples, int((planned_time * rate - tally.requests) / operations)))
    by_pace = max(0, int(((planned_end + hard) / 2 - time.monotonic()) * pace / operations))
    return min(by_rate, by_pace), by_pace < by_rate


def _load(
    spec: dict[str, Any],
    base_url: str,
    redactor: Redactor,
    *,
    phases: list[str],
    max_examples: int,
    allow_writes: bool,
    exclude: frozenset[tuple[str, str]],
    **settings: Any,
) -> Any:
    """The schemathesis schema of one pass; LiveError when schemathesis cannot load the description."""
    import schemathesis

    config = _config(base_url, max_examples=max_examples, phases=phases, **settings)
    try:
        schema = schemathesis.openapi.from_dict(copy.deepcopy(spec), config=config)
        schema = schema if allow_writes else schema.include(method=["GET", "HEAD"])
        if exclude:
            schema = schema.exclude(lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in exclude)  # includes are OR-ed
        return schema
    except Exception as exc:  # noqa: BLE001 - schemathesis' loader errors are many and not exported together
        raise LiveError(f"schemathesis could not load the API description: {type(exc).__name__}: {redactor.text(str(exc))}") from None


def _consume(engine: Any, tally: _Tally, deadline: float, soft: float | None, events: Any) -> None:
    """Run one pass until it ends, the time cap (`deadline`) or the planned time (`soft`, when given),
    folding its events into `tally`; KeyboardInterrupt when the user interrupted it."""
    redactor = tally.redactor
    stream = None
    try:
        stream = engine.execute()
        with tally.lock:
            tally.stream = stream
            if tally.cut:
                stream.stop()
        for event in stream:
            ours = tally.cut or tally.planned_stop
            if isinstance(event, events.Interrupted) and not ours:
                raise KeyboardInterrupt  # schemathesis caught a Ctrl-C (or SIGTERM): hand it back
            if isinstance(event, events.ScenarioFinished):
                _scenario(event, tally)
            elif isinstance(event, events.NonFatalError):
                text = f"{event.label}: {event.info.format() if hasattr(event, 'info') else event}"
                tally.errors.append(redactor.text(_sandbox_text(text, tally.relay)) or "")
            elif isinstance(event, events.FatalError):
                raise LiveError(f"schemathesis stopped: {redactor.text(str(event.exception))}")
            elif isinstance(event, events.EngineFinished):
                reason = str(getattr(event, "stop_reason", None) or "completed")
                if reason == "interrupted" and not ours:
                    raise KeyboardInterrupt  # stopped by an interrupt whose event schemathesis did not pass on
                if not ours:
                    tally.stop = reason
            if time.monotonic() > deadline and not tally.cut:
                tally.cut_short()
            elif soft is not None and time.monotonic() > soft and not ours:
                with tally.lock:
                    tally.planned_stop = True
                stream.stop()  # the scenarios under way finish, then the engine ends
    except (LiveError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - the boundary with a third-party engine
        raise LiveError(f"schemathesis failed: {type(exc).__name__}: {redactor.text(str(exc))}") from None
    finally:
        with tally.lock:
            tally.stream = None
        if stream is not None:
            _close(stream)


def _close(stream: Any) -> None:
    """Stop the engine and close its event generator, so its worker threads wind down before we go on."""
    try:
        stream.stop()
        stream.generator.close()
    except Exception:  # noqa: BLE001, S110 - closing an engine that already failed must not hide why
        pass


def _scenario(event: Any, tally: _Tally) -> None:
    """Count one finished scenario's requests and keep its first distinct failures as findings.

    A request the relay could not complete within the safe client's limits (an answer marked
    `X-Interopcheck-Refused`) makes the operation errored, with the reason; its checks are ignored.
    An operation is covered by an answer the checks judged; a 401 or 403 covers nothing (the
    request was not let in), and without credentials its checks are ignored too: being refused
    without credentials is no failure of the operation.
    """
    recorder = event.recorder
    unjudged: set[str] = set()
    label = event.label or ""
    for case_id, interaction in recorder.interactions.items():
        tally.requests += 1
        tally.methods.add(interaction.request.method.upper())
        reason = _header(interaction.response, REFUSED_HEADER)
        status = getattr(interaction.response, "status_code", None)
        if reason is not None:
            unjudged.add(case_id)
            tally.errors.append(tally.redactor.text(f"{event.label}: {reason}") or "")
        elif status in AUTH_REFUSALS:
            tally.refused_auth.add(label)
            if tally.unauthenticated:
                unjudged.add(case_id)
        elif status is not None and label:
            tally.covered.add(label)
    if label:
        tally.tested.add(label)
        tally.pass_done.add(label)
    if (str(event.status) == "error" or (unjudged - _auth_cases(recorder))) and label:
        tally.errored.append(label)
    for case_id, checks in recorder.checks.items():
        if case_id in unjudged:
            continue
        for node in checks:
            if node.failure_info is None:
                continue
            failure = node.failure_info.failure
            key = (failure.operation or "", failure.code, failure.title)
            if key in tally.seen or len(tally.findings) >= MAX_FINDINGS:
                continue
            tally.seen.add(key)
            tally.findings.append(to_finding(recorder, case_id, node.name, failure, tally.redactor, tally.relay))


def _auth_cases(recorder: Any) -> set[str]:
    """The cases of `recorder` answered 401 or 403."""
    return {case_id for case_id, i in recorder.interactions.items() if getattr(i.response, "status_code", None) in AUTH_REFUSALS}
