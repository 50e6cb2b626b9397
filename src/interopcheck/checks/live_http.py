"""Live checks of the sandbox's HTTP behaviour: reachable, authentication enforced, OAuth 2.0, TLS, JSON, version, speed."""

from __future__ import annotations

import socket
import ssl
import statistics
import warnings
from typing import Any
from urllib.parse import urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import (
    declared_collections,
    declared_items,
    finding_from_error,
    public_get_operations,
    require_live,
)
from interopcheck.checks.live_available import DataTarget, availability_decision, judge_data_answer
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, from_findings, not_applicable, passed, skipped
from interopcheck.checks.spec_files import download_operation
from interopcheck.declaration import pointer_get
from interopcheck.errors import LiveError
from interopcheck.live.client import LiveResponse
from interopcheck.live.failures import LiveRequestError
from interopcheck.live.relay import from_schemathesis
from interopcheck.model import Finding, Status

SLOW_MS = 2000.0


@check("live.reachable", title="Sandbox reachable", family="live", needs=("live",))
def reachable(ctx: CheckContext) -> Decision:
    """HSG-API-11, a sandbox with test data: judged on the data operations, not on the base URL.

    The data operations are the declared collections, else a seeded sample of the description's GET
    operations without path parameters (the same first pages the other HTTP checks read). It passes
    when one of them answers 2xx with records; fails when every one fails with the sandbox's fault
    (5xx, a dropped or refused connection, a timeout) or, declared, holds no records; and skips or
    errors when the cause is ours or the evaluator's (no credentials given, credentials refused, our
    limits), saying which. What `/` answers is evidence only: most real APIs serve nothing there.
    GDS, API technical and data standards: "Provide an API test service" (a sandbox with useful test
    data that reflects the real API), so the test is whether data comes back, not whether `/` does.
    """
    live = require_live(ctx)
    base = _base_note(live)
    if not _data_targets(ctx):
        if live.probe is not None and live.probe.status >= 500:
            return failed(f"the base URL answered HTTP {live.probe.status} and no data operation is known to try", base)
        return Decision(Status.SKIP, "no data operation to try: no declared collection and no GET operation without path parameters in the description", (), tuple(base))
    judged = [judge_data_answer(target, answer, live.auth_kind) for target, answer in _sampled(ctx)]
    return availability_decision(judged, declared=bool(declared_collections(ctx)), no_credentials=live.auth_kind == "none", base=base)


def _base_note(live: Any) -> list[Finding]:
    """Evidence of what the base URL answered (a redirect elsewhere included), which decides nothing."""
    if live.probe_error is not None:
        return [finding_from_error("GET / (not a data operation, so it decides nothing)", live.probe_error)]
    probe: LiveResponse | None = live.probe
    if probe is None:
        return []
    return [Finding(f"GET / -> {probe.status} (not a data operation, so it decides nothing)", exchange=probe.exchange)]


def _leaks_data(body: Any, records_pointer: str | None) -> bool:
    """Whether an error body carries records: the declared record array, or any array of objects with ids."""
    if records_pointer:
        found = pointer_get(body, records_pointer)
        if isinstance(found, list) and found:
            return True
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            if any(isinstance(item, dict) and "id" in item for item in node):
                return True
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return False


def _unauthenticated(live: Any, path: str) -> tuple[LiveResponse | None, Any, Finding | None]:
    """GET `path` without credentials: (response, JSON body or None, finding when the request failed)."""
    try:
        resp = live.client.get(path, auth=False)
    except LiveError as exc:
        return None, None, finding_from_error(f"GET {path} without credentials", exc)
    body: Any = None
    if resp.content:
        try:
            body = resp.json()
        except LiveError:
            body = None
    return resp, body, None


@check("live.auth-required", title="No data without authentication", family="live", needs=("live", "spec"))
def auth_required(ctx: CheckContext) -> Decision:
    """Every declared collection and item operation, and a sample of the spec's GETs, refuse an unauthenticated request."""
    live = require_live(ctx)
    targets: dict[str, str | None] = {path: mapping.records_pointer for _, mapping, path in declared_collections(ctx)}
    for op in public_get_operations(ctx):
        if op.security == ():  # declared public with `security: []`
            continue
        targets.setdefault(op.path, None)
    items = [item for item in declared_items(ctx) if item.operation.security != () and item.path not in targets]
    if not targets and not items:
        return skipped("no declared collection or item operation and no GET operation without path parameters to try")
    findings, evidence = [], []
    for path, pointer in targets.items():
        resp, body, error = _unauthenticated(live, path)
        if resp is None:
            findings.append(error)
        elif resp.status not in (401, 403):
            findings.append(Finding(f"GET {path} without credentials answered HTTP {resp.status}, not 401/403", exchange=resp.exchange))
        elif _leaks_data(body, pointer):
            findings.append(Finding(f"GET {path} refused with HTTP {resp.status} but its body carries records", exchange=resp.exchange))
        else:
            evidence.append(Finding(f"GET {path} without credentials -> {resp.status}", exchange=resp.exchange))
    for item in items:
        which = f"a {item.entity} id from its collection" if item.real_id else f"a made-up {item.entity} id: no walk of its collection was cached"
        resp, body, error = _unauthenticated(live, item.path)
        if resp is None:
            findings.append(error)
        elif 200 <= resp.status < 300:
            findings.append(Finding(f"GET {item.path} ({which}) without credentials answered HTTP {resp.status}: the item is served", exchange=resp.exchange))
        elif _leaks_data(body, None) or (item.real_id and isinstance(body, dict) and str(pointer_get(body, item.mapping.id_field)) == item.record_id):
            findings.append(Finding(f"GET {item.path} ({which}) answered HTTP {resp.status} without credentials but its body carries the record", exchange=resp.exchange))
        else:
            evidence.append(Finding(f"GET {item.path} ({which}) without credentials -> {resp.status}, no data", exchange=resp.exchange))
    tried = len(targets) + len(items)
    return from_findings(
        findings,
        ok=f"all {tried} operations tried ({len(items)} of them item operations) refused unauthenticated requests",
        bad="{n} operations served or misanswered unauthenticated requests",
        evidence=evidence,
    )


def _spec_has_oauth2(ctx: CheckContext) -> bool:
    """Whether the spec declares an OAuth 2.0 security scheme."""
    if ctx.index is None:
        return False
    data = ctx.index.data if isinstance(ctx.index.data, dict) else {}
    schemes = (data.get("components") or {}).get("securitySchemes") or data.get("securityDefinitions") or {}
    return any(isinstance(s, dict) and s.get("type") == "oauth2" for s in schemes.values()) if isinstance(schemes, dict) else False


@check("live.oauth2-token", title="OAuth 2.0 token issued and accepted", family="live", needs=("live",))
def oauth2_token(ctx: CheckContext) -> Decision:
    """With client credentials configured, the token is issued and a data request carrying it succeeds."""
    live = require_live(ctx)
    if live.auth_kind != "oauth2-client-credentials":
        if _spec_has_oauth2(ctx):
            return skipped("the spec declares OAuth 2.0 but no client credentials were given (--token-url, --client-id, --client-secret-env)")
        return not_applicable("no OAuth 2.0 client credentials were configured and the spec declares no OAuth 2.0 scheme")
    paths = [path for _, _, path in declared_collections(ctx)] or [op.path for op in public_get_operations(ctx, 1)]
    if not paths:
        return skipped("no collection to try the token on")
    try:
        resp = live.client.get(paths[0])
    except LiveError as exc:
        return errored("the request carrying the token failed", [finding_from_error(f"GET {paths[0]}", exc)])
    if 200 <= resp.status < 300:
        return passed(f"token issued by the token endpoint and accepted by GET {paths[0]}", [Finding(f"GET {paths[0]} -> {resp.status}", exchange=resp.exchange)])
    return failed(f"the issued token was not accepted (HTTP {resp.status})", [Finding(f"GET {paths[0]} with the token -> {resp.status}", exchange=resp.exchange)])


def _tls_version(host: str, port: int, cafile: str | None, timeout: float, maximum: ssl.TLSVersion | None = None) -> str | None:
    """The TLS version negotiated with host:port (None when the handshake fails)."""
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED if maximum else ssl.TLSVersion.TLSv1_2
    if maximum:
        with warnings.catch_warnings():  # asking for an old version on purpose, to see it refused
            warnings.simplefilter("ignore", DeprecationWarning)
            context.maximum_version = maximum
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, context.wrap_socket(raw, server_hostname=host) as tls:
            return tls.version()
    except (OSError, ssl.SSLError, ValueError):
        return None


@check("live.tls", title="TLS 1.2 or better", family="live", needs=("live",))
def tls(ctx: CheckContext) -> Decision:
    """Over https the sandbox negotiates TLS 1.2+ and refuses TLS 1.1; over plain http it does not apply."""
    live = require_live(ctx)
    parts = urlsplit(live.base_url)
    if parts.scheme != "https":
        return not_applicable("the sandbox is served over plain http, so there is no TLS to test (HSG-API-01 covers https)")
    host, port = parts.hostname or "", parts.port or 443
    version = _tls_version(host, port, live.options.ca_bundle, live.options.timeout)
    if version is None:
        return failed("no TLS 1.2+ handshake could be completed", [Finding(f"TLS 1.2+ handshake with {host}:{port} failed")])
    old = _tls_version(host, port, live.options.ca_bundle, live.options.timeout, ssl.TLSVersion.TLSv1_1)
    if old is not None and old in ("TLSv1", "TLSv1.1"):
        return failed(f"the sandbox also accepts {old}", [Finding(f"{host}:{port} completed a {old} handshake")])
    return passed(f"negotiated {version}; TLS 1.1 or older refused", [Finding(f"{host}:{port} negotiated {version}")])


def _json_type_ok(content_type: str) -> bool:
    """Whether a Content-Type is JSON (application/json or +json) with no charset other than UTF-8."""
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if not (media == "application/json" or (media.startswith("application/") and media.endswith("+json"))):
        return False
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


def _data_targets(ctx: CheckContext) -> list[DataTarget]:
    """The declared collections, else a seeded sample of the spec's GETs without path parameters."""
    declared = [DataTarget(path, mapping.records_pointer or None, True, ()) for _, mapping, path in declared_collections(ctx)]
    if declared:
        return declared
    return [
        DataTarget(op.path, None, False, tuple(p.name for p in op.parameters if p.required and p.location == "query"))
        for op in public_get_operations(ctx)
        if not _download(ctx, op)
    ]


def _download(ctx: CheckContext, op: Any) -> str:
    """Why a sampled GET is a file download by its description (`spec_files.download_operation`), or ""."""
    return download_operation(ctx.index, op) if ctx.index is not None else ""


def _downloads_left_out(ctx: CheckContext) -> list[Finding]:
    """Evidence naming the sampled GETs left out as file downloads (none when collections are declared)."""
    if declared_collections(ctx):
        return []
    return [
        Finding(f"GET {op.path} is a file download ({why}), not a data resource: the JSON rule of HSG-API-05/06 does not apply")
        for op in public_get_operations(ctx)
        if (why := _download(ctx, op))
    ]


def _sampled(ctx: CheckContext) -> list[tuple[DataTarget, LiveResponse | LiveError]]:
    """The first page of each data target (`_data_targets`), read once per run; a failed request as its error."""
    if "live.sample-gets" not in ctx.cache:
        live = require_live(ctx)
        out: list[tuple[DataTarget, LiveResponse | LiveError]] = []
        for target in _data_targets(ctx):
            try:
                out.append((target, live.client.get(target.path)))
            except LiveError as exc:
                out.append((target, exc))
        ctx.cache["live.sample-gets"] = out
    return ctx.cache["live.sample-gets"]  # type: ignore[no-any-return]


def _sample_responses(ctx: CheckContext) -> list[LiveResponse | Finding]:
    """The sampled first pages (`_sampled`); failures as findings that keep their evidence."""
    return [answer if isinstance(answer, LiveResponse) else finding_from_error(f"GET {target.path}", answer) for target, answer in _sampled(ctx)]


@check("live.json-content-type", title="JSON with a UTF-8 content type", family="live", needs=("live", "credentials"))
def json_content_type(ctx: CheckContext) -> Decision:
    """Successful data responses are valid UTF-8 JSON labelled application/json (or +json), charset UTF-8 if given.

    Data resources only: a GET its description documents as a file download (a PDF, an image, text
    sent with a Content-Disposition, a binary schema: `spec_files.download_operation`) answers the
    file's own bytes, so it is left out and named in the evidence; a data collection answering XML
    still fails (HSG-API-05/06 cover data, after the GDS API technical and data standards)."""
    sample = _sample_responses(ctx)
    if not sample:
        left = "; the description's other GETs without path parameters are file downloads" if _downloads_left_out(ctx) else ""
        return skipped("no declared collection and no GET operation without path parameters to try" + left)
    findings, evidence, errors = [], [], []
    for item in sample:
        if isinstance(item, Finding):
            errors.append(item)
            continue
        if not 200 <= item.status < 300:
            continue
        if not _json_type_ok(item.content_type):
            findings.append(Finding(f"{item.url}: Content-Type is {item.content_type or 'missing'!r}", exchange=item.exchange))
            continue
        try:
            item.content.decode("utf-8")
            item.json()
        except (UnicodeDecodeError, LiveRequestError) as exc:
            findings.append(Finding(f"{item.url}: labelled JSON but the body is not UTF-8 JSON ({type(exc).__name__})", exchange=item.exchange))
            continue
        evidence.append(Finding(f"{item.url}: {item.content_type}", exchange=item.exchange))
    if not findings and not evidence:
        return errored("no successful response to inspect", errors)
    ok = f"{len(evidence)} responses are UTF-8 JSON"
    downloads = _downloads_left_out(ctx)
    if downloads:
        ok += f" ({len(downloads)} file download(s) left out: not data resources)"
    return from_findings(findings, ok=ok, bad="{n} responses are not UTF-8 JSON", evidence=evidence + downloads)


@check("live.version-matches", title="Version served matches the description", family="live", needs=("live", "spec", "credentials"))
def version_matches(ctx: CheckContext) -> Decision:
    """The version the sandbox reports (header or base body) matches info.version; a path /vN agrees with its major."""
    assert ctx.index is not None
    info = ctx.index.data.get("info") if isinstance(ctx.index.data, dict) else None
    declared = str(info.get("version", "")) if isinstance(info, dict) else ""
    if not declared:
        return skipped("the spec's info.version is empty")
    live = require_live(ctx)
    responses = [r for r in _sample_responses(ctx) if isinstance(r, LiveResponse)]
    if live.probe is not None:
        responses.insert(0, live.probe)
    served: list[tuple[str, LiveResponse]] = []
    for resp in responses:
        for name in ("api-version", "x-api-version", "version"):
            if name in resp.headers:
                served.append((resp.headers[name], resp))
    if live.probe is not None and not served:
        try:
            body = live.probe.json()
        except LiveError:
            body = None
        if isinstance(body, dict):
            for key in ("version", "api_version", "apiVersion"):
                if isinstance(body.get(key), (str, int, float)):
                    served.append((str(body[key]), live.probe))
                    break
    major = declared.lstrip("vV").split(".")[0]
    if not served:
        paths = [op.path for op in ctx.index.operations] + [urlsplit(live.base_url).path]
        prefixes = {seg for p in paths for seg in p.split("/") if len(seg) > 1 and seg[0] in "vV" and seg[1:].isdigit()}
        if not prefixes:
            return skipped("the sandbox reports no version (header or base body) and the paths carry none")
        if prefixes == {f"v{major}"} or prefixes == {f"V{major}"}:
            return passed(f"the paths' version {sorted(prefixes)[0]} agrees with info.version {declared}")
        return failed(f"the paths carry {sorted(prefixes)} but info.version is {declared}", [Finding(f"path versions {sorted(prefixes)} vs info.version {declared}")])
    findings, evidence = [], []
    for value, resp in served:
        v = value.strip().lstrip("vV")
        ok = v == declared.lstrip("vV") or v.split(".")[0] == major and "." not in v
        (evidence if ok else findings).append(Finding(f"{resp.url} reports version {value!r}; the spec says {declared!r}", exchange=resp.exchange))
    return from_findings(findings, ok=f"the served version matches {declared}", bad="{n} responses report a version other than the spec's", evidence=evidence[:3])


@check("live.response-time", title="Responses within 2 s", family="live", needs=("live", "credentials"))
def response_time(ctx: CheckContext) -> Decision:
    """Median and 95th percentile of the sampled GETs' times (every GET of the profile's checks so far) are under 2 s.

    Schemathesis' requests are left out, so the figure does not move with --max-examples or the order of checks.
    """
    live = require_live(ctx)
    _sample_responses(ctx)
    gets = [e for e in live.exchanges if e.request.method == "GET" and not from_schemathesis(e)]
    times = [e.response.elapsed_ms for e in gets if e.response is not None and e.response.elapsed_ms]
    timeouts = [e for e in gets if e.error and "imeout" in e.error]
    if not times:
        return errored("no GET completed, so no time could be measured", [Finding(e.error or "", exchange=e) for e in timeouts[:5]])
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    data = {"median_ms": round(median, 1), "p95_ms": round(p95, 1), "samples": len(times), "timeouts": len(timeouts)}
    summary = f"median {median:.0f} ms, p95 {p95:.0f} ms over {len(times)} GETs"
    if median >= SLOW_MS or p95 >= SLOW_MS or timeouts:
        extra = f"; {len(timeouts)} timed out" if timeouts else ""
        return failed(summary + extra, [Finding(summary + extra, data=data)] + [Finding(e.error or "", exchange=e) for e in timeouts[:5]])
    return passed(summary, [Finding(summary, data=data)])
