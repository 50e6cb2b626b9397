"""Static checks on the description as a document: validity, version, info, operationIds, versioning, export.

These answer HSG-API-02/03/04/07 and HSG-EXP-09 from the index alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, not_applicable, passed
from interopcheck.checks.spec_servers import PLACEHOLDER, production_or_stand_ins, root_servers
from interopcheck.checks.spec_shapes import (
    FAMILY,
    MAX_FINDINGS,
    Problem,
    base_media,
    decide,
    is_bulk_media,
    is_export_operation,
    is_meta_operation,
    is_success,
    need_index,
    normalise,
    note,
    segments,
)
from interopcheck.model import Finding, Location
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation, Parameter
from interopcheck.spec.validate import remote_targets


@check("spec.valid-openapi", title="The description is valid OpenAPI", family=FAMILY, needs=("spec",))
def valid_openapi(ctx: CheckContext) -> Decision:
    """Fail listing every structural error the validator found; error when validation did not run.

    Remote documents that were not fetched are no error: the summary says they were not validated."""
    if ctx.validation is None:
        return errored("the description could not be validated (no validation result)")
    source = ctx.index.document.source if ctx.index is not None else None
    engine = ctx.validation.engine
    remote = ctx.validation.not_fetched
    unfetched = (
        f"; {len(remote)} remote document(s) $ref'd by the description were not fetched, so the parts"
        " they hold were not validated (--allow-remote-refs fetches them)"
        if remote
        else ""
    )
    evidence = _not_fetched_evidence(ctx.index, remote)
    if ctx.validation.valid:
        return passed(f"valid OpenAPI {ctx.validation.version} ({engine}){unfetched}", evidence)
    findings = [
        Finding(issue.message, Location(issue.pointer, issue.line, source)) for issue in ctx.validation.errors
    ]
    count = len(findings)
    summary = f"{count} structural error(s) against the OpenAPI {ctx.validation.version} schema ({engine})"
    if count > MAX_FINDINGS:
        summary += f" (first {MAX_FINDINGS} shown)"
    return failed(summary + unfetched, findings[:MAX_FINDINGS], evidence)


def _not_fetched_evidence(index: SpecIndex | None, remote: tuple[str, ...]) -> list[Finding]:
    """One evidence finding per remote document not fetched, placed at its first `$ref` site."""
    first: dict[str, str] = {}
    if index is not None:
        for site, _, uri in remote_targets(index.document):
            first.setdefault(uri, site)
    out = []
    for uri in remote[:MAX_FINDINGS]:
        site = first.get(uri)
        location = None
        if index is not None and site is not None:
            doc_uri, hash_, pointer = site.partition("#")
            location = Location(pointer, None, doc_uri) if hash_ else index.location(site)
        out.append(Finding(f"not fetched, so not validated: {uri}", location, data={"uri": uri}))
    return out


@check("spec.openapi-3", title="The description is OpenAPI 3.x", family=FAMILY, needs=("spec",))
def openapi_3(ctx: CheckContext) -> Decision:
    """Pass for OpenAPI 3.0/3.1; Swagger 2.0 or an unknown version fails."""
    index = need_index(ctx)
    if index.major == 3:
        return passed(f"OpenAPI {index.version}", [note(index, f"openapi: {index.version}", "/openapi")])
    pointer = "/swagger" if index.major == 2 else "/openapi"
    shown = index.version or "no version"
    return decide(index, [Problem(f"the description declares {shown}, not OpenAPI 3.x", pointer)], ok="", bad="not OpenAPI 3 ({n} finding)")


@check("spec.info-complete", title="info has a description, contact and licence", family=FAMILY, needs=("spec",))
def info_complete(ctx: CheckContext) -> Decision:
    """`info.description`, `info.contact` (name, email or url) and `info.license.name` are present
    and none is template text (`YOUR ... HERE`, `REQUIRED -- ...`, TODO, TBD, example.com);
    contact and licence URLs are absolute http(s) URLs and the contact email is an address.

    The same placeholder rules cover `info.version` (`{VERSION}`, `x.y.z`) and the servers: a server
    on a name reserved for documentation or testing (RFC 2606 example.com, RFC 6761 `.test`), a
    template host (`your-domain`) or an undeclared `{baseUrl}` leaves the real base URL undocumented.
    That is a documentation gap, this SHOULD's subject (GOV.UK, Documenting APIs), not an HTTPS one:
    a placeholder `https://` URL still states the scheme, which is all HSG-API-01 can check."""
    index = need_index(ctx)
    info = index.get("/info")
    if not isinstance(info, dict):
        return decide(index, [Problem("the description has no info object", "")], ok="", bad="info missing")
    problems = []
    description = info.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(Problem("info.description is missing or empty", "/info"))
    else:
        problems += _text_problems("description", description, "/info/description", prose=True)
    contact = info.get("contact")
    if not isinstance(contact, dict) or not any(isinstance(contact.get(k), str) and contact[k].strip() for k in ("name", "email", "url")):
        problems.append(Problem("info.contact is missing or has no name, email or url", "/info/contact" if isinstance(contact, dict) else "/info"))
    else:
        problems += _member_problems("contact", contact, ("name", "email", "url"))
    licence = info.get("license")
    if not isinstance(licence, dict) or not isinstance(licence.get("name"), str) or not licence["name"].strip():
        problems.append(Problem("info.license is missing or has no name", "/info/license" if isinstance(licence, dict) else "/info"))
    else:
        problems += _member_problems("license", licence, ("name", "url"))
    version = info.get("version")
    if isinstance(version, str) and (_placeholder(version) or _VERSION_PLACEHOLDER.match(version)):
        problems.append(Problem(f"info.version is placeholder text ({_shown(version)})", "/info/version"))
    problems += _placeholder_servers(index)
    return decide(index, problems, ok="info has a description, contact and licence; no placeholder version or server", bad="info is incomplete ({n} missing or placeholder)")


#: Template version strings: `{VERSION}`, `${version}`, `@VERSION@`, `%VERSION%`, `x.y.z`, `VERSION`.
_VERSION_PLACEHOLDER = re.compile(r"^\s*(\$?\{[^}]*\}|@[^@\s]+@|%[^%\s]+%|[xX](\.[xXyYzZ])+|[xX]\.[yY](\.[zZ])?|version|ver|v?X)\s*$", re.IGNORECASE)


def _placeholder_servers(index: SpecIndex) -> list[Problem]:
    """A problem per placeholder server (RFC 2606/6761 reserved name, template host, undeclared variable):
    the API's real base URL is not documented there. Development servers are no placeholders."""
    problems, seen = [], set()
    for server in root_servers(index):
        if server.kind == PLACEHOLDER and server.pointer not in seen:
            seen.add(server.pointer)
            problems.append(Problem(f"server {server.url!r} is a placeholder ({server.reason}), so the API's real base URL is not documented", server.pointer))
    return problems


#: Template text: `YOUR CONTACT NAME HERE`, `DESCRIPTION HERE`, `TODO`, `TBD`, `CHANGE ME`.
_CAPS_PLACEHOLDER = re.compile(r"\bYOUR\b|\b[A-Z][A-Z0-9 _'/-]* HERE\b|\b(TODO|TBD|TBC|FIXME|PLACEHOLDER)\b")
_ANY_CASE_PLACEHOLDER = re.compile(r"\bchange[ _-]?me\b|\blorem ipsum\b|^\s*<[^>]*>\s*$|^\s*\{[^}]*\}\s*$", re.IGNORECASE)
_PLACEHOLDER_WHOLE = frozenset({"todo", "tbd", "tbc", "fixme", "placeholder", "n/a", "na", "none", "null", "string", "xxx", "-", "..."})
#: Domains reserved for documentation (RFC 2606): example.com/.net/.org and the .example TLD.
_EXAMPLE_HOST = re.compile(r"(^|\.)example\.(com|net|org)$|(^|\.)example$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s.]+)$")


def _placeholder(text: str, *, prose: bool = False) -> bool:
    """Whether `text` is template text left in place. In prose (a description) only a leading
    REQUIRED/TODO/TBD or a wholly upper-case template counts: a later REQUIRED is RFC 2119 wording."""
    stripped = text.strip()
    low = stripped.lower()
    if low in _PLACEHOLDER_WHOLE or low.rstrip(".:") in _PLACEHOLDER_WHOLE or _ANY_CASE_PLACEHOLDER.search(stripped):
        return True
    if re.match(r"^\W*(REQUIRED|TODO|TBD|TBC|FIXME)\b", stripped):
        return True
    if prose:
        return stripped.upper() == stripped and bool(_CAPS_PLACEHOLDER.search(stripped))
    return bool(_CAPS_PLACEHOLDER.search(stripped) or re.search(r"\bREQUIRED\b", stripped))


def _text_problems(name: str, text: str, pointer: str, *, prose: bool = False) -> list[Problem]:
    """A problem when `text` (info.<name>) is a placeholder."""
    if _placeholder(text, prose=prose):
        return [Problem(f"info.{name} is placeholder text ({_shown(text)})", pointer)]
    return []


def _member_problems(parent: str, node: dict[str, object], keys: tuple[str, ...]) -> list[Problem]:
    """Placeholder text, non-URL urls and non-address emails among `info.<parent>.<key>`."""
    problems = []
    for key in keys:
        value = node.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        name, pointer = f"{parent}.{key}", f"/info/{parent}/{key}"
        if _placeholder(value):
            problems += _text_problems(name, value, pointer)
        elif key == "url" and not _absolute_http(value):
            problems.append(Problem(f"info.{name} is not an absolute http(s) URL ({_shown(value)})", pointer))
        elif key == "url" and _EXAMPLE_HOST.search(urlsplit(value.strip()).hostname or ""):
            problems.append(Problem(f"info.{name} is an example.com placeholder ({_shown(value)})", pointer))
        elif key == "email" and (match := _EMAIL.match(value.strip())) is None:
            problems.append(Problem(f"info.{name} is not an email address ({_shown(value)})", pointer))
        elif key == "email" and match is not None and _EXAMPLE_HOST.search(match.group(1)):
            problems.append(Problem(f"info.{name} is an example.com placeholder ({_shown(value)})", pointer))
    return problems


def _absolute_http(value: str) -> bool:
    """An absolute http or https URL with a host and no spaces."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in value.strip())


def _shown(text: str) -> str:
    """`text` quoted for a message, cut to 60 characters."""
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")


@check("spec.unique-operation-ids", title="Every operation has a unique operationId", family=FAMILY, needs=("spec",))
def unique_operation_ids(ctx: CheckContext) -> Decision:
    """Every operation has an operationId and no two share one."""
    index = need_index(ctx)
    problems: list[Problem] = []
    by_id: dict[str, list[Operation]] = defaultdict(list)
    for op in index.operations:
        if op.operation_id is None or not op.operation_id.strip():
            problems.append(Problem(f"{op.key} has no operationId", op.pointer))
        else:
            by_id[op.operation_id].append(op)
    for op_id, ops in by_id.items():
        if len(ops) > 1:
            others = ", ".join(o.key for o in ops)
            problems += [Problem(f"operationId {op_id!r} of {op.key} is shared by {others}", op.pointer + "/operationId") for op in ops]
    count = len(index.operations)
    return decide(index, problems, ok=f"all {count} operations have unique operationIds", bad="{n} operation(s) lack a unique operationId")


#: A version in a URL path segment: `v1`, `v1.2`, `v2beta1`, `1.0`, `1.2.3`, `2024-01-01`.
_URI_VERSION = re.compile(r"^(v\d+([._-]\d+)*([a-z]+\d*)?|\d+(\.\d+)+|\d{4}-\d{2}-\d{2})$", re.IGNORECASE)
#: A media type that names a version: `; version=2`, `vnd.github.v3+json`, `vnd.hmrc.1.0+json`, `vnd.org.2.0+json`.
_VERSIONED_MEDIA = re.compile(r"(;\s*(version|v)\s*=)|^[a-z]+/vnd\.[^;+]*?[.-]v?\d+(\.\d+)*([.+;-]|$)", re.IGNORECASE)
#: Normalised names of query parameters that select the API version (`api-version`); a plain `version`
#: counts only when documented as the API's version (it is as often data: the version of a rule set).
_VERSION_QUERY = frozenset({"apiversion"})
_API_VERSION_TEXT = re.compile(r"\bAPI\b[^.]{0,40}\bversion\b|\bversion of (the|this) (API|service)\b", re.IGNORECASE)
#: GDS text the versioning checks rely on (cited in their findings).
GDS_VERSION_TEXT = (
    "GDS API technical and data standards: when making a backwards incompatible change, increment a version"
    " number in the URL or the HTTP header (start with /v1/); GDS technology blog, Considering our approach to"
    " API iteration (2016): use a version number as part of the URL when making backwards incompatible changes"
)


def _path_version(path: str) -> str | None:
    """The version segment of a URL path (`/api/1.0/x` -> `1.0`), or None; a bare integer counts after `api`."""
    segs = segments(path)
    for i, seg in enumerate(segs):
        if _URI_VERSION.match(seg) or (seg.isdigit() and i > 0 and segs[i - 1].lower() == "api"):
            return seg
    return None


def _media_versions(op: Operation) -> list[str]:
    """The versioned media types `op` answers with (all its 2xx media types, when every one names a version)."""
    names = [mt.name for resp in op.responses if is_success(resp) for mt in resp.media_types]
    if not names:
        names = [mt.name for mt in op.request_body]
    return names if names and all(_VERSIONED_MEDIA.search(n.strip()) for n in names) else []


def _header_version(index: SpecIndex, op: Operation) -> str | None:
    """A request header that selects the version: one named for it (`Api-Version`, `Accept-Version`),
    or an `Accept`/`Content-Type` parameter whose values or description are versioned media types."""
    for param in op.parameters:
        if param.location != "header":
            continue
        if "version" in normalise(param.name):
            return f"header {param.name!r}"
        if param.name.lower() in ("accept", "content-type"):
            schema = index.resolve(param.schema)
            values = [schema.get("default"), schema.get("example"), *(schema.get("enum") or ())] if isinstance(schema, dict) else []
            found = [v for v in values if isinstance(v, str) and _VERSIONED_MEDIA.search(v.strip())]
            if found:
                return f"header {param.name}: {found[0]}"
    return None


def _selects_version(index: SpecIndex, param: Parameter) -> bool:
    """A query parameter named `api-version`, or `version`/`v` documented as the API's version."""
    name = normalise(param.name)
    if name in _VERSION_QUERY:
        return True
    if name not in ("version", "v"):
        return False
    node = index.resolve(index.get(param.defined_at or param.pointer))
    text = node.get("description") if isinstance(node, dict) else None
    return isinstance(text, str) and bool(_API_VERSION_TEXT.search(text))


@dataclass(frozen=True)
class _Versioning:
    """Where one data operation carries the API version: `uri` (its path or the server's) or another carrier."""

    op: Operation
    uri: str | None  # "path /v1/x" or "server path /v1"
    other: str | None  # "header 'Api-Version'", "media type application/vnd.x.v2+json", "query parameter 'api-version'"


def _versioning(ctx: CheckContext) -> list[_Versioning]:
    """How every data (non-meta) operation is versioned; computed once per run for both versioning checks."""
    cached = ctx.cache.get("spec.versioning")
    if cached is not None:
        return cached
    index = need_index(ctx)
    servers = production_or_stand_ins(root_servers(index))
    server_versions = [_path_version(s.path) for s in servers]
    server_uri = f"server path {servers[0].path}" if servers and all(server_versions) else None
    out = []
    for op in index.operations:
        if is_meta_operation(op):
            continue
        in_path = _path_version(op.path)
        uri = f"path {op.path}" if in_path else server_uri
        other = _header_version(index, op)
        if other is None and (media := _media_versions(op)):
            other = f"media type {', '.join(dict.fromkeys(media))}"
        if other is None:
            query = next((p for p in op.parameters if p.location == "query" and _selects_version(index, p)), None)
            other = f"query parameter {query.name!r}" if query is not None else None
        out.append(_Versioning(op, uri, other))
    ctx.cache["spec.versioning"] = out
    return out


@check("spec.api-version", title="The API declares its version", family=FAMILY, needs=("spec",))
def api_version(ctx: CheckContext) -> Decision:
    """Pass when every data operation carries the API version somewhere a client must state it: a path
    segment (`/v1`, `/v1.2`, `/api/1.0`), the production server's path (variables expanded), a version
    header (`Api-Version`, an `Accept` of `application/vnd.org.2.0+json`), versioned media types, or an
    `api-version` query parameter. Meta operations (/openapi.json, /oauth/token) are unversioned by
    nature. Which of these the GDS text prefers (the URL) is `spec.api-version-in-path`, a SHOULD:
    a real but less preferred scheme never fails this MUST."""
    index = need_index(ctx)
    found = _versioning(ctx)
    problems = [
        Problem(f"{v.op.key} declares no API version: none in its path or server URL (e.g. /v1), nor a version header, versioned media type or version query parameter", v.op.pointer)
        for v in found
        if v.uri is None and v.other is None
    ]
    if not index.operations:
        problems.append(Problem("no operations and no versioned server URL", "/paths"))
    kinds: dict[str, int] = defaultdict(int)
    carriers = {"header": "a header", "media": "a media type", "query": "a query parameter"}
    for v in found:
        kinds["the URL" if v.uri else carriers.get((v.other or "").split(" ", 1)[0], "none")] += 1
    shown = ", ".join(f"{n} in {k}" for k, n in kinds.items() if k != "none")
    evidence = [note(index, f"{v.op.key}: {v.uri or v.other}", v.op.pointer) for v in found if v.uri or v.other][:MAX_FINDINGS]
    return decide(index, problems, ok=f"every data operation carries the API version ({shown or 'no data operations'})", bad="{n} operation(s) are not versioned", evidence=evidence)


@check("spec.api-version-in-path", title="The API version is in the URL", family=FAMILY, needs=("spec",))
def api_version_in_path(ctx: CheckContext) -> Decision:
    """Pass when every versioned data operation carries its version in the URL (its path or the server's).

    An operation versioned only by a header, a media type or a query parameter is a finding of this
    SHOULD, with the GDS text that prefers the URL. Operations with no version at all are HSG-API-07's
    failure, not this one's; when no operation is versioned this check does not apply."""
    index = need_index(ctx)
    found = [v for v in _versioning(ctx) if v.uri or v.other]
    if not found:
        return not_applicable("no data operation declares an API version (HSG-API-07 reports that), so where it is carried cannot be judged")
    problems = [
        Problem(f"{v.op.key} carries its version only in a {v.other}, not in the URL; {GDS_VERSION_TEXT}", v.op.pointer)
        for v in found
        if v.uri is None
    ]
    return decide(index, problems, ok=f"all {len(found)} versioned data operation(s) carry the version in the URL", bad="{n} operation(s) are versioned outside the URL")


@check("spec.export-documented", title="Bulk export is documented in the description", family=FAMILY, needs=("spec",))
def export_documented(ctx: CheckContext) -> Decision:
    """Pass when an operation's 2xx offers NDJSON/CSV/zip or its path is an export (`$export`, `exports`)."""
    index = need_index(ctx)
    evidence = []
    for op in index.operations:
        bulk = sorted({base_media(mt.name) for r in op.responses if is_success(r) for mt in r.media_types if is_bulk_media(mt.name)})
        if bulk:
            evidence.append(note(index, f"{op.key} offers {', '.join(bulk)}", op.pointer))
        elif is_export_operation(op):
            evidence.append(note(index, f"{op.key} is an export endpoint", op.pointer))
    if evidence:
        return passed(f"{len(evidence)} export operation(s) documented", evidence[:MAX_FINDINGS])
    return decide(
        index,
        [Problem("no operation offers a bulk export (NDJSON, CSV or zip) and no path is an export endpoint", "/paths")],
        ok="",
        bad="bulk export is not documented",
    )
