"""Spec conformance through schemathesis 4.32's engine: seeded, bounded, read-only by default, credentials redacted.

The configuration is built explicitly (`schemathesis.Config()`), never discovered, so a
`schemathesis.toml` in the working directory cannot change what an evaluation runs. Each
check failure becomes a `Finding` carrying the request, response and a redacted curl line.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from interopcheck.errors import LiveError
from interopcheck.live.redact import Redactor, curl_line
from interopcheck.model import Exchange, Finding, HttpRequest, HttpResponse

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
PHASES = ["examples", "coverage", "fuzzing"]
EVIDENCE_CAP = 64 * 1024
MAX_FINDINGS = 100


@dataclass(frozen=True)
class ConformanceRun:
    """What one schemathesis run found: failures as findings, and how much it tested."""

    findings: tuple[Finding, ...]
    operations_tested: int
    operations_errored: tuple[str, ...]
    requests: int
    seed: int
    stop_reason: str
    errors: tuple[str, ...] = ()
    methods: tuple[str, ...] = field(default=())


def _rate_limit(rate: float) -> str:
    """Our requests-per-second cap in schemathesis' "N/unit" form, never above it (0.5/s is "30/m")."""
    if rate >= 1:
        return f"{int(rate)}/s"
    return f"{max(1, int(rate * 60))}/m"


def _config(
    base_url: str,
    *,
    seed: int,
    max_examples: int,
    headers: dict[str, str],
    timeout: float,
    rate: float,
    ca_bundle: str | None,
) -> Any:
    """The explicit schemathesis configuration of one run (never discovered from files)."""
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
        rate_limit=_rate_limit(rate),
        tls_verify=ca_bundle or True,
        workers=1,
        request_retries=0,
    )
    project.phases.update(phases=PHASES)
    project.phases.coverage.unexpected_methods = set()  # never probe with other methods
    project.checks.update(included_check_names=list(CHECKS))
    project.generation.update(max_examples=max_examples, modes=["positive"], database="none", no_shrink=True)
    project.auth.auto_signup = False
    return config


def run_conformance(
    spec: dict[str, Any],
    base_url: str,
    *,
    redactor: Redactor,
    seed: int = 0,
    max_examples: int = 10,
    headers: dict[str, str] | None = None,
    allow_writes: bool = False,
    timeout: float = 10.0,
    rate: float = 10.0,
    max_time: float = 120.0,
    ca_bundle: str | None = None,
) -> ConformanceRun:
    """Run schemathesis over `spec` against `base_url`; LiveError when schemathesis cannot run at all."""
    try:
        import schemathesis
        from schemathesis.engine import events, from_schema
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise LiveError(f"schemathesis is not installed: {exc}") from None
    config = _config(
        base_url,
        seed=seed,
        max_examples=max_examples,
        headers=headers or {},
        timeout=timeout,
        rate=rate,
        ca_bundle=ca_bundle,
    )
    try:
        schema = schemathesis.openapi.from_dict(copy.deepcopy(spec), config=config)
        if not allow_writes:
            schema = schema.include(method=["GET", "HEAD"])
    except Exception as exc:  # noqa: BLE001 - schemathesis' loader errors are many and not exported together
        raise LiveError(f"schemathesis could not load the API description: {type(exc).__name__}: {redactor.text(str(exc))}") from None
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    errored: list[str] = []
    errors: list[str] = []
    tested: set[str] = set()
    methods: set[str] = set()
    requests = 0
    stop = "completed"
    deadline = time.monotonic() + max_time
    stream = None
    # the engine checks its stop flag between tests; a timer sets it even while no event arrives
    timer = threading.Timer(max_time, lambda: stream.stop() if stream is not None else None)
    timer.daemon = True
    try:
        stream = from_schema(schema).execute()
        timer.start()
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                recorder = event.recorder
                for interaction in recorder.interactions.values():
                    requests += 1
                    methods.add(interaction.request.method.upper())
                if event.label:
                    tested.add(event.label)
                if str(event.status) == "error" and event.label:
                    errored.append(event.label)
                for case_id, checks in recorder.checks.items():
                    for node in checks:
                        if node.failure_info is None:
                            continue
                        failure = node.failure_info.failure
                        key = (failure.operation or "", failure.code, failure.title)
                        if key in seen or len(findings) >= MAX_FINDINGS:
                            continue
                        seen.add(key)
                        findings.append(_finding(recorder, case_id, node.name, failure, redactor))
            elif isinstance(event, events.NonFatalError):
                errors.append(redactor.text(f"{event.label}: {event.info.format() if hasattr(event, 'info') else event}") or "")
            elif isinstance(event, events.FatalError):
                raise LiveError(f"schemathesis stopped: {redactor.text(str(event.exception))}")
            elif isinstance(event, events.EngineFinished) and stop != "max_time":
                stop = str(getattr(event, "stop_reason", None) or "completed")
            if time.monotonic() > deadline and stop != "max_time":
                stop = "max_time"
                stream.stop()  # the engine finishes the current scenario and then ends
    except LiveError:
        raise
    except Exception as exc:  # noqa: BLE001 - the boundary with a third-party engine
        raise LiveError(f"schemathesis failed: {type(exc).__name__}: {redactor.text(str(exc))}") from None
    finally:
        timer.cancel()
    if time.monotonic() > deadline:
        stop = "max_time"
    return ConformanceRun(
        findings=tuple(findings),
        operations_tested=len(tested),
        operations_errored=tuple(errored),
        requests=requests,
        seed=seed,
        stop_reason=stop,
        errors=tuple(errors[:20]),
        methods=tuple(sorted(methods)),
    )


def _finding(recorder: Any, case_id: str, check: str, failure: Any, redactor: Redactor) -> Finding:
    """A redacted finding for one schemathesis failure, with the request, response and curl line."""
    interaction = recorder.interactions.get(case_id)
    exchange = None
    if interaction is not None:
        req = interaction.request
        url = redactor.url(req.uri)
        req_headers = redactor.headers({k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in req.headers.items()})
        body = req.body.decode("utf-8", "replace") if isinstance(req.body, bytes) and req.body else None
        body = redactor.text(body)
        response = None
        resp = interaction.response
        if resp is not None:
            content = (resp.content or b"")[:EVIDENCE_CAP]
            response = HttpResponse(
                status=resp.status_code,
                headers=redactor.headers({k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in resp.headers.items()}),
                body=redactor.text(content.decode("utf-8", "replace")),
                body_truncated=len(resp.content or b"") > EVIDENCE_CAP,
                elapsed_ms=round(resp.elapsed * 1000, 3) if resp.elapsed is not None else None,
            )
        shown = {k: v for k, v in req_headers.items() if k.lower() not in ("user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid")}
        exchange = Exchange(request=HttpRequest(req.method, url, req_headers, body), response=response, curl=curl_line(req.method, url, shown, body))
    message = redactor.text(f"{failure.operation}: [{failure.code}] {failure.title}: {failure.message}") or ""
    return Finding(
        message,
        exchange=exchange,
        data={"operation": failure.operation, "code": failure.code, "title": failure.title, "check": check},
    )
