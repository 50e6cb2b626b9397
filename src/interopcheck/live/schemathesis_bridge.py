"""Spec conformance through schemathesis 4.32's engine: seeded, bounded, read-only by default, credentials redacted.

The configuration is built explicitly (`schemathesis.Config()`), never discovered, so a
`schemathesis.toml` in the working directory cannot change what an evaluation runs. Its
requests reach the sandbox through a loopback relay (`relay.py`) and the safe client, so the
byte cap, deadlines, rate cap, origin-bound redirects and transcript hold for them too. Each
check failure becomes a `Finding` carrying the client's record of the exchange and a curl line.

A run has two passes: the enumerating phases (examples, coverage) in full, then fuzzing with
`max_examples` per operation, fewer when the requests the planned time allows at the rate cap
would not hold them. Ctrl-C (which schemathesis catches and reports as an `Interrupted`
event) is raised again as KeyboardInterrupt: an interrupted run never yields a result.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from interopcheck.errors import LiveError
from interopcheck.live.client import MAX_RETRY_WAIT_S, SafeClient
from interopcheck.live.redact import Redactor, curl_line
from interopcheck.live.relay import EXCHANGE_HEADER, REFUSED_HEADER, Relay
from interopcheck.model import Exchange, Finding, HttpRequest

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
ENUMERATING_PHASES = ["examples", "coverage"]
FUZZING_PHASES = ["fuzzing"]
PHASES = ENUMERATING_PHASES + FUZZING_PHASES
MAX_FINDINGS = 100


@dataclass(frozen=True)
class ConformanceRun:
    """What one schemathesis run found: failures as findings, and how much it tested."""

    findings: tuple[Finding, ...]
    operations_tested: int
    operations_errored: tuple[str, ...]
    requests: int
    seed: int
    stop_reason: str  # completed, max_time (our time cap cut it), server_unavailable, ...
    errors: tuple[str, ...] = ()
    methods: tuple[str, ...] = field(default=())
    max_examples: int = 0  # examples per operation asked for
    fuzz_examples: int = 0  # examples per operation the fuzzing pass ran with (0: it did not run)


def _sandbox_url(url: str, relay: Relay | None) -> str:
    """`url` with the relay's origin replaced by the sandbox's."""
    if relay is not None and url.startswith(relay.origin):
        return relay.upstream(url[len(relay.origin) :])
    return url


def _sandbox_text(text: str, relay: Relay | None) -> str:
    """`text` (a schemathesis message) with every mention of the relay's origin replaced by the sandbox's."""
    if relay is None:
        return text
    return text.replace(relay.origin, relay.upstream("").rstrip("/"))


def _config(
    base_url: str,
    *,
    seed: int,
    max_examples: int,
    headers: dict[str, str],
    timeout: float,
    phases: list[str] | None = None,
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
        workers=1,
        request_retries=0,
    )
    project.phases.update(phases=list(phases or PHASES))
    project.phases.coverage.unexpected_methods = set()  # never probe with other methods
    project.checks.update(included_check_names=list(CHECKS))
    project.generation.update(max_examples=max_examples, modes=["positive"], database="none", no_shrink=True)
    project.auth.auto_signup = False
    return config


class _Tally:
    """What the passes of one run saw so far, and who stopped the engine (internal, mutable)."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str, str]] = set()
        self.errored: list[str] = []
        self.errors: list[str] = []
        self.tested: set[str] = set()
        self.methods: set[str] = set()
        self.requests = 0
        self.stop = "completed"
        self.cut = False  # we stopped the engine (the time cap): its Interrupted events are ours
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


def run_conformance(
    spec: dict[str, Any],
    client: SafeClient,
    *,
    seed: int = 0,
    max_examples: int = 10,
    headers: dict[str, str] | None = None,
    allow_writes: bool = False,
    max_time: float = 120.0,
    planned_time: float | None = None,
) -> ConformanceRun:
    """Run schemathesis over `spec` against `client`'s sandbox; LiveError when schemathesis cannot run at all.

    `spec` must be self-contained (`spec.bundle`): schemathesis would open any file or URL a `$ref`
    names. Its traffic goes through a loopback relay to `client`, so every cap of the safe client
    holds. `max_time` is the hard cap (a run it cuts says `stop_reason="max_time"`); `planned_time`,
    when given, bounds the fuzzing pass's examples per operation so that at the client's rate the run fits in it.
    """
    try:
        import schemathesis  # noqa: F401 - fail early and clearly when missing
        from schemathesis.engine import events, from_schema
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise LiveError(f"schemathesis is not installed: {exc}") from None
    # the relay answers within the client's deadline and retry waits; schemathesis must wait longer than that
    timeout = client.request_deadline_s + MAX_RETRY_WAIT_S + 5
    tally = _Tally(client.redactor)
    started = time.monotonic()
    deadline = started + max_time
    timer = threading.Timer(max_time, tally.cut_short)  # the engine checks its stop flag between tests
    timer.daemon = True
    fuzz = 0
    with Relay(client) as relay:
        tally.relay = relay
        settings = {"seed": seed, "headers": headers or {}, "timeout": timeout}
        timer.start()
        try:
            first = _load(spec, relay.url, allow_writes, client.redactor, phases=ENUMERATING_PHASES, max_examples=max_examples, **settings)
            _consume(from_schema(first), tally, deadline, events)
            if not tally.cut and tally.stop == "completed":
                fuzz = _fuzz_examples(tally, planned_time, client.rate, max_examples)
                second = _load(spec, relay.url, allow_writes, client.redactor, phases=FUZZING_PHASES, max_examples=fuzz, **settings)
                _consume(from_schema(second), tally, deadline, events)
        finally:
            timer.cancel()
    if time.monotonic() > deadline:
        tally.stop = "max_time"
    return ConformanceRun(
        findings=tuple(tally.findings),
        operations_tested=len(tally.tested),
        operations_errored=tuple(dict.fromkeys(tally.errored)),
        requests=tally.requests,
        seed=seed,
        stop_reason=tally.stop,
        errors=tuple(tally.errors[:20]),
        methods=tuple(sorted(tally.methods)),
        max_examples=max_examples,
        fuzz_examples=fuzz,
    )


def _fuzz_examples(tally: _Tally, planned_time: float | None, rate: float, max_examples: int) -> int:
    """Examples per operation for the fuzzing pass: `max_examples`, or what the rate leaves of the planned time.

    Counted in requests (planned time x rate, less what the first pass sent), never measured in
    seconds, so a seeded run sends the same requests on a fast machine and on a busy one.
    """
    if planned_time is None:
        return max_examples
    left = planned_time * rate - tally.requests
    return max(1, min(max_examples, int(left / max(1, len(tally.tested)))))


def _load(
    spec: dict[str, Any], base_url: str, allow_writes: bool, redactor: Redactor, *, phases: list[str], max_examples: int, **settings: Any
) -> Any:
    """The schemathesis schema of one pass; LiveError when schemathesis cannot load the description."""
    import schemathesis

    config = _config(base_url, max_examples=max_examples, phases=phases, **settings)
    try:
        schema = schemathesis.openapi.from_dict(copy.deepcopy(spec), config=config)
        return schema if allow_writes else schema.include(method=["GET", "HEAD"])
    except Exception as exc:  # noqa: BLE001 - schemathesis' loader errors are many and not exported together
        raise LiveError(f"schemathesis could not load the API description: {type(exc).__name__}: {redactor.text(str(exc))}") from None


def _consume(engine: Any, tally: _Tally, deadline: float, events: Any) -> None:
    """Run one pass, folding its events into `tally`; KeyboardInterrupt when the user interrupted it."""
    redactor = tally.redactor
    stream = None
    try:
        stream = engine.execute()
        with tally.lock:
            tally.stream = stream
            if tally.cut:
                stream.stop()
        for event in stream:
            if isinstance(event, events.Interrupted) and not tally.cut:
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
                if reason == "interrupted" and not tally.cut:
                    raise KeyboardInterrupt  # stopped by an interrupt whose event schemathesis did not pass on
                if not tally.cut:
                    tally.stop = reason
            if time.monotonic() > deadline and not tally.cut:
                tally.cut_short()
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
    """
    recorder = event.recorder
    refused: set[str] = set()
    for case_id, interaction in recorder.interactions.items():
        tally.requests += 1
        tally.methods.add(interaction.request.method.upper())
        reason = _header(interaction.response, REFUSED_HEADER)
        if reason is not None:
            refused.add(case_id)
            tally.errors.append(tally.redactor.text(f"{event.label}: {reason}") or "")
    if event.label:
        tally.tested.add(event.label)
    if (str(event.status) == "error" or refused) and event.label:
        tally.errored.append(event.label)
    for case_id, checks in recorder.checks.items():
        if case_id in refused:
            continue
        for node in checks:
            if node.failure_info is None:
                continue
            failure = node.failure_info.failure
            key = (failure.operation or "", failure.code, failure.title)
            if key in tally.seen or len(tally.findings) >= MAX_FINDINGS:
                continue
            tally.seen.add(key)
            tally.findings.append(_finding(recorder, case_id, node.name, failure, tally))


def _header(response: Any, name: str) -> str | None:
    """The first value of header `name` in a schemathesis response (None when absent or no response)."""
    if response is None:
        return None
    values = response.headers.get(name.lower())
    return values[0] if values else None


def _finding(recorder: Any, case_id: str, check: str, failure: Any, tally: _Tally) -> Finding:
    """A redacted finding for one schemathesis failure, with the request, response and curl line.

    The evidence is the safe client's own record of the exchange (the sandbox's URL, redacted, as in
    the transcript); the recorder's copy, with the relay's origin put back to the sandbox's, only
    when the client has none (the request never reached the relay).
    """
    redactor = tally.redactor
    interaction = recorder.interactions.get(case_id)
    exchange = None
    if interaction is not None and tally.relay is not None:
        exchange = tally.relay.evidence(_header(interaction.response, EXCHANGE_HEADER))
    if exchange is None and interaction is not None:
        req = interaction.request
        url = redactor.url(_sandbox_url(req.uri, tally.relay))
        req_headers = redactor.headers({k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in req.headers.items()})
        body = req.body.decode("utf-8", "replace") if isinstance(req.body, bytes) and req.body else None
        body = redactor.text(body)
        shown = {k: v for k, v in req_headers.items() if k.lower() not in ("user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid")}
        exchange = Exchange(request=HttpRequest(req.method, url, req_headers, body), response=None, curl=curl_line(req.method, url, shown, body))
    message = redactor.text(_sandbox_text(f"{failure.operation}: [{failure.code}] {failure.title}: {failure.message}", tally.relay)) or ""
    return Finding(
        message,
        exchange=exchange,
        data={"operation": failure.operation, "code": failure.code, "title": failure.title, "check": check},
    )
