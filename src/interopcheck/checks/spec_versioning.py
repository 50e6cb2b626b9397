"""Static checks on how the API is versioned: that it is, and where (HSG-API-07, SHOULD since profile 1.2.0: in the URI, as GDS says; HSG-API-22 deprecated into it).

A version counts wherever a client must state it: a path segment (`/v1`, `/v1.2`, `/api/1.0`), the
production server's path, a version header, a versioned media type (`application/vnd.org.2.0+json`)
or an `api-version` query parameter. The GDS text prefers the URL, so the other carriers meet the
MUST and are the SHOULD's findings, never a MUST failure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, not_applicable
from interopcheck.checks.spec_servers import production_or_stand_ins, root_servers
from interopcheck.checks.spec_shapes import (
    FAMILY,
    MAX_FINDINGS,
    Problem,
    decide,
    is_meta_operation,
    is_success,
    need_index,
    normalise,
    note,
    segments,
)
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation, Parameter

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


_RESOURCE_VERSION_TEXT = re.compile(r"\bversion of (the|a|this) (resource|record|document|entity|object|item)\b", re.IGNORECASE)
#: Normalised names of a path parameter that stands for the API version (`/api/{api_version}/x`).
_VERSION_PATH_PARAMS = frozenset({"apiversion", "version", "v"})


def _path_version(path: str, index: SpecIndex | None = None, op: Operation | None = None) -> str | None:
    """The version segment of a URL path (`/api/1.0/x` -> `1.0`), or None; a bare integer counts after `api`.

    A templated segment (`/api/{api_version}/x`) counts when its path parameter is named for the
    version (`api_version`, `apiVersion`, `version`, `v`) and its example, default or enum values are
    versions (`v2026.1`, `1.0`): the client still states the version in the URL, as GDS asks. A
    parameter so named whose values are not versions (`latest`), or a version-like value under
    another name, does not count."""
    segs = segments(path)
    for i, seg in enumerate(segs):
        if _URI_VERSION.match(seg) or (seg.isdigit() and i > 0 and segs[i - 1].lower() == "api"):
            return seg
        if index is not None and op is not None and seg.startswith("{") and seg.endswith("}") and i < len(segs) - 1:
            value = _templated_version(index, op, seg[1:-1], after_api=i > 0 and segs[i - 1].lower() == "api")
            if value is not None:
                return f"{seg} (e.g. {value})"
    return None


def _templated_version(index: SpecIndex, op: Operation, name: str, after_api: bool) -> str | None:
    """The version value documented for path parameter `name` of `op` when it is named for the API version.

    A bare integer (`5`) counts only right after an `api` segment, as for a literal segment; a parameter
    documented as the version of a resource or record (FHIR's `/_history/{version}`) is not the API's."""
    if normalise(name) not in _VERSION_PATH_PARAMS:
        return None
    param = next((p for p in op.parameters if p.location == "path" and p.name == name), None)
    if param is None:
        return None
    node = index.resolve(index.get(param.defined_at or param.pointer))
    schema = index.resolve(param.schema)
    values: list[object] = []
    for holder in (node, schema):
        if isinstance(holder, dict):
            values += [holder.get("example"), holder.get("default"), *(holder.get("enum") or ())]
            examples = holder.get("examples")
            if isinstance(examples, dict):
                values += [e.get("value") for e in examples.values() if isinstance(e, dict)]
            elif isinstance(examples, list):
                values += examples
    found = [str(v) for v in values if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    text = node.get("description") if isinstance(node, dict) else None
    if isinstance(text, str) and _RESOURCE_VERSION_TEXT.search(text):
        return None
    versions = [v for v in found if _URI_VERSION.match(v) or (v.isdigit() and after_api)]
    return versions[0] if versions and len(versions) == len(found) else None


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
        in_path = _path_version(op.path, index, op)
        uri = (f"path {op.path}" if in_path == _path_version(op.path) else f"path {op.path}, version parameter {in_path}") if in_path else server_uri
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
