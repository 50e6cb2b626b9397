"""One conformance run: load the inputs, run the profile's checks in order, evaluate, build the report.

Inputs that cannot be used at all (a spec that is not an API description, an invalid profile or
declaration) raise the project's errors (exit 2). A sandbox that cannot be used does not stop the
run: its checks become `error` with the reason, and the verdict is `incomplete`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from interopcheck import __version__
from interopcheck.checks import registry
from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.declaration import Declaration, load_declaration
from interopcheck.declaration_attestations import check_attestations
from interopcheck.declaration_values import check_value_maps
from interopcheck.engine import evaluate
from interopcheck.engine.events import CHECK, NOTE, RECORDS, REQUESTS, STAGE, EventSink, RunEvent, Ticker, ignore
from interopcheck.engine.evidence import trim
from interopcheck.engine.preflight import Preflight, run_preflight
from interopcheck.engine.scope import resolve_scope, scope_report
from interopcheck.errors import UsageError
from interopcheck.export.background import close_workers, plan_checks
from interopcheck.export.scan import RECORDS_READ
from interopcheck.model import CheckResult, ProfileRef, Report, RunInfo, Status, Verdict
from interopcheck.profile.load import Profile, load_profile, validate_check_ids
from interopcheck.report.json_report import REPORT_SCHEMA_VERSION
from interopcheck.resources import display_path
from interopcheck.scoring import summary_of
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index
from interopcheck.spec.load import load_spec
from interopcheck.spec.validate import validate_spec

_STAGE_ORDER = {"spec": 0, "declaration": 0, "live": 1, "export": 2}

#: What a caller passes to watch a run: a sink of `RunEvent`s (engine/events.py); `say(text)` inside the run is a "note" event.
Progress = EventSink
#: Each stage of checks: its key in the events and how it is announced.
_STAGES = (("static", "static checks"), ("live", "live checks"), ("export", "export checks"))


@dataclass(frozen=True)
class RunRequest:
    """Everything a `check` run needs, as the CLI parsed it."""

    spec: str
    profile: str = "housing"
    overlays: tuple[str, ...] = ()
    declaration: str | None = None
    live: Any = None  # interopcheck.live.session.LiveOptions, when a sandbox is given
    options: RunOptions = field(default_factory=RunOptions)
    allow_remote_refs: bool = False
    max_spec_bytes: int = 50_000_000
    require_modules: tuple[str, ...] | None = None  # --require-modules; None: the overlay's, else every module
    standards_year: int | None = None  # --standards-year (start year); None: the profile's standards_year
    environment: str = "sandbox"  # --environment: what is tested, the supplier's sandbox or its production service


@dataclass(frozen=True)
class RunArtifacts:
    """The report plus what the bundle and transcript need from the run."""

    report: Report
    document: SpecDocument
    profile: Profile
    declaration: Declaration | None
    exchanges: tuple[Any, ...] = ()
    redactor: Any = None  # interopcheck.live.redact.Redactor: every secret of the run, applied where outputs leave
    exchange_times: tuple[float, ...] = ()  # when each exchange started (epoch seconds), for the transcript
    interrupted: bool = False  # Ctrl-C stopped the checks: the report is partial (the CLI writes it, then exits 130)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _stage(spec: registry.CheckSpec) -> int:
    return max((_STAGE_ORDER.get(n, 0) for n in spec.needs), default=0)


def run(request: RunRequest, progress: Progress | None = None) -> RunArtifacts:
    """Run every check the profile names and evaluate the results into a report."""
    redactor = run_redactor(request)
    sink = progress or ignore

    def emit(event: RunEvent) -> None:  # every message through the run's redactor: outside data may carry a secret
        sink(dataclasses.replace(event, message=redactor.text(event.message) or "") if event.message else event)

    def say(msg: str) -> None:
        emit(RunEvent(NOTE, message=msg))

    records_before = RECORDS_READ.value
    with Ticker(emit, {RECORDS: lambda: RECORDS_READ.total() - records_before}) as ticker:
        return _run(request, emit, say, ticker, redactor)


def _run(request: RunRequest, emit: EventSink, say: Callable[[str], None], ticker: Ticker, redactor: Any) -> RunArtifacts:
    started = _now()
    profile = load_profile(request.profile, request.overlays)
    known = registry.all_checks()
    validate_check_ids(profile, known)
    declaration = load_declaration(request.declaration) if request.declaration else None
    if declaration is not None:
        check_attestations(declaration, profile.requirements)  # a statement not the profile's stops the run (exit 2)
    scope = resolve_scope(profile, declaration, request.require_modules)
    year = standards_year(profile, request.standards_year)

    emit(RunEvent(STAGE, stage="spec", status="start", message=f"reading {request.spec}"))
    document = load_spec(request.spec, allow_remote_refs=request.allow_remote_refs, max_bytes=request.max_spec_bytes)
    index = build_index(document)
    validation = validate_spec(document)
    ctx = CheckContext(index=index, validation=validation, declaration=declaration, options=request.options, scope=scope)
    ctx.standards = _standards(year)
    if declaration is not None and ctx.standards is not None:
        check_value_maps(declaration, ctx.standards)  # a map target outside the code list stops the run (exit 2)
    ctx.cache["profile"] = profile  # data.declaration-valid compares the attestations and the profile id with it

    results: dict[str, CheckResult] = {}
    interrupted = False
    preflight = None
    try:
        if request.live is not None:  # a set-up mistake stops every live and export check, each an error with its cause
            emit(RunEvent(STAGE, stage="connect", status="start", message=f"connecting to {request.live.base_url}"))
            ctx.live, preflight = _open_live(request.live, ctx, say, redactor)
            ctx.live_error = preflight.cause
            if ctx.live is not None:
                client = ctx.live.client
                ticker.add(REQUESTS, lambda: client.requests_sent)
        live_works = request.live is not None and preflight is not None and preflight.ok
        _run_checks(profile, known, ctx, emit, results, live_given=live_works)
    except KeyboardInterrupt:  # keep what was decided: half an hour of export checks is not thrown away
        interrupted = True
        results = _interrupted(profile, results)
    finally:
        close_workers(ctx)  # the export scans' worker processes, if any were started
        exchanges = tuple(getattr(ctx.live, "exchanges", ()) or ())
        exchange_times = tuple(getattr(ctx.live, "exchange_times", ()) or ())
        if ctx.live is not None:
            ctx.live.close()

    outcomes = tuple(evaluate.evaluate_requirement(r, results, declaration, scope) for r in profile.requirements)
    finished = _now()
    report = Report(
        schema_version=REPORT_SCHEMA_VERSION,
        run=RunInfo(
            tool="interopcheck",
            tool_version=__version__,
            started_at=started,
            finished_at=finished,
            spec_source=request.spec,
            spec_sha256=document.sha256,
            base_url=getattr(request.live, "base_url", None),
            seed=request.options.seed,
            writes_allowed=request.options.allow_writes,
            declaration_source=display_path(declaration.source) if declaration else None,
            declaration_sha256=declaration.sha256 if declaration else None,
            options=_recorded_options(request),
            supplier=(declaration.supplier or {}).get("name") if declaration else None,
            interrupted=interrupted,
        ),
        profile=ProfileRef(profile.id, profile.version, profile.sha256, tuple(profile.files)),
        verdict=Verdict.INCOMPLETE if interrupted else evaluate.verdict_of(outcomes),
        score=evaluate.score_of(outcomes),
        counts=evaluate.counts_of(outcomes),
        outcomes=outcomes,
        not_tested=evaluate.not_tested(outcomes, {r.id: r for r in profile.requirements}),
        declaration_coverage=_coverage(results),
        modules=scope_report(scope, profile),
        standards_year=year,
        summary=summary_of(outcomes, preflight.as_dict() if preflight is not None else None),
        valid_until=valid_until(finished, profile.report_validity_days),
        environment=request.environment,
        measures=tuple(m.as_dict() for m in ctx.cache["measures"]) if ctx.cache.get("measures") else None,
    )
    return RunArtifacts(report, document, profile, declaration, exchanges, redactor, exchange_times, interrupted)


def valid_until(finished_at: str, days: int | None) -> str | None:
    """The last day a report finished at `finished_at` is valid: `days` later (the profile's report_validity_days), as an ISO date."""
    if days is None:
        return None
    return (dt.datetime.fromisoformat(finished_at.replace("Z", "+00:00")).date() + dt.timedelta(days=days)).isoformat()


def run_redactor(request: RunRequest) -> Any:
    """The run's one Redactor, knowing the secrets given up front (credentials in the URLs and the named variables);
    the live session adds each token it is issued."""
    from interopcheck.live.redact import Redactor

    live = request.live
    urls = (request.spec, *(getattr(live, k, None) for k in ("base_url", "token_url")))
    names = tuple(getattr(live, k, None) for k in ("token_env", "api_key_env", "client_secret_env"))
    return Redactor.for_run(urls, names, os.environ)


def _standards(year: int | None) -> Any:
    from interopcheck.standards import load_standards

    return load_standards(year=year)


def standards_year(profile: Profile, chosen: int | None) -> int | None:
    """The run's standards year: `chosen` (--standards-year) if the profile allows it, else the profile's default."""
    if chosen is None:
        return profile.standards_year
    if profile.standards_years and chosen not in profile.standards_years:
        years = ", ".join(f"{y} ({y}/{(y + 1) % 100:02d})" for y in profile.standards_years)
        raise UsageError(f"--standards-year {chosen} is not a year of profile {profile.id}", hint=f"choose one of {years}")
    return chosen


def _open_live(options: Any, ctx: CheckContext, say: Callable[[str], None], redactor: Any = None) -> tuple[Any, Preflight]:
    """The live session and the preflight's verdict on the set-up (base URL, token, one authenticated data request)."""
    session, preflight = run_preflight(options, ctx, redactor)
    if not preflight.ok:
        say(f"preflight failed: {preflight.cause}")
    return session, preflight


def _interrupted(profile: Profile, results: dict[str, CheckResult]) -> dict[str, CheckResult]:
    """`results` with every check of the profile not run yet skipped, saying the run was interrupted."""
    out = dict(results)
    for check_id in dict.fromkeys(c for r in profile.requirements for c in r.checks):
        out.setdefault(check_id, CheckResult(check_id, Status.SKIP, "not run: the run was interrupted (Ctrl-C) before this check"))
    return out


def _run_checks(
    profile: Profile,
    known: dict[str, registry.CheckSpec],
    ctx: CheckContext,
    emit: EventSink,
    results: dict[str, CheckResult],
    *,
    live_given: bool = False,
) -> dict[str, CheckResult]:
    """Every check, stage by stage, into `results` (filled as they finish, so an interrupt keeps them); only the
    stages that will do work are announced (their checks, one event each)."""
    wanted = dict.fromkeys(c for r in profile.requirements for c in r.checks)
    ordered = sorted((known[c] for c in wanted), key=_stage)
    stages = sorted({_stage(s) for s in ordered})
    shown = [st for st in stages if _will_run(st, ctx, live_given)]
    total = sum(1 for s in ordered if _stage(s) in shown)
    done = 0
    for stage in stages:
        batch = [s for s in ordered if _stage(s) == stage]
        key, name = _STAGES[stage]
        if stage in shown:
            emit(RunEvent(STAGE, stage=key, status="start", done=done, total=total, message=f"{name}: {len(batch)}"))
        if stage == _STAGE_ORDER["export"]:
            plan_checks(ctx, [s.id for s in batch])  # downloads overlap and scans run in worker processes
        for spec in batch:
            result = results[spec.id] = trim(registry.run_check(spec, ctx))
            if stage in shown:
                done += 1
                emit(RunEvent(CHECK, stage=key, done=done, total=total, check_id=spec.id, status=result.status.value, message=result.summary))
        if stage in shown:
            emit(RunEvent(STAGE, stage=key, status="end", done=done, total=total, message=f"{name} done"))
    return results


def _will_run(stage: int, ctx: CheckContext, live_given: bool) -> bool:
    """Whether a stage's checks will do work: live checks need a sandbox; export checks a session and a declaration."""
    if stage == _STAGE_ORDER["live"]:
        return live_given
    if stage == _STAGE_ORDER["export"]:
        return ctx.live is not None and ctx.declaration is not None
    return True


def _recorded_options(request: RunRequest) -> dict[str, Any]:
    opts = request.options
    recorded: dict[str, Any] = {
        "profile": request.profile,
        "overlays": list(request.overlays),
        "sample": opts.sample,
        "max_pages": opts.max_pages,
        "max_examples": opts.max_examples,
        "export_max_records": opts.export_max_records,
        "export_max_bytes": opts.export_max_bytes,
        "export_timeout": opts.export_timeout,
        "allow_remote_refs": request.allow_remote_refs,
        "require_modules": list(request.require_modules) if request.require_modules is not None else None,
        "standards_year": request.standards_year,
        "environment": request.environment,
    }
    if opts.measures_year is not None:  # the measures' reporting year, when chosen (each measure's `period` says it either way)
        recorded["measures_year"] = opts.measures_year
    if request.live is not None:
        recorded["rate"] = getattr(request.live, "rate", None)
        recorded["auth"] = _auth_kind(request.live)
    return recorded


def _auth_kind(live: Any) -> str:
    if getattr(live, "token_url", None):
        return "oauth2-client-credentials"
    if getattr(live, "token_env", None):
        return "bearer-token"
    if getattr(live, "api_key_env", None):
        return "api-key"
    return "none"


def _coverage(results: dict[str, CheckResult]) -> dict[str, Any] | None:
    """Per entity, how much of the standard the declaration maps (from the data.mapping checks)."""
    entities: dict[str, Any] = {}
    for check_id, result in results.items():
        if not check_id.startswith("data.mapping."):
            continue
        for finding in (*result.evidence, *result.findings):
            if finding.data and "coverage" in finding.data:
                entities[check_id.removeprefix("data.mapping.")] = finding.data
                break
    if not entities:
        return None
    required = sum(int(e.get("required", 0)) for e in entities.values())
    mapped = sum(int(e.get("mapped", 0)) for e in entities.values())
    return {"entities": entities, "required": required, "mapped": mapped, "coverage": round(mapped / required, 3) if required else None}
