"""Static check that OAuth 2.0 protects every operation serving council data (HSG-API-09).

An operation without OAuth 2.0 passes only when it is public by design and serves no council data:

- declared public in the supplier declaration (`public_operations`), and not the collection, item or
  write of a declared entity, nor answering with a declared entity's record schema; or
- without being declared, one of the few operations that are unmistakably not data: the OpenAPI
  document itself, the OAuth token endpoint (the path of a flow's tokenUrl, or `/oauth/token`), or a
  health/status/version operation with no path parameter.

A path's first segment (`/docs/{id}`, `/status/{caseId}`, `/`) never exempts an operation by itself.
Scopes an operation requires that its OAuth 2.0 scheme's flows do not declare are findings too: no
client can be granted them (GDS: use OAuth 2.0 scopes for more granular access control).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision
from interopcheck.checks.spec_shapes import (
    FAMILY,
    MAX_FINDINGS,
    Problem,
    decide,
    is_success,
    is_version_segment,
    need_index,
    note,
    security_schemes,
    segments,
)
from interopcheck.declaration import Declaration
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation
from interopcheck.spec.pointer import join

_OAUTH_TYPES = frozenset({"oauth2", "openidconnect"})
#: Last path segments of the API's own description.
_DESCRIPTION_NAMES = frozenset(
    {"openapi", "openapi.json", "openapi.yaml", "openapi.yml", "swagger", "swagger.json", "swagger.yaml", "api-docs", "api-docs.json"}
)
#: Path segments of health, status and version operations (all of a path's segments must be among them).
_HEALTH_NAMES = frozenset(
    {"health", "healthz", "healthcheck", "status", "ping", "ready", "readyz", "readiness", "live", "livez", "liveness", "version", "heartbeat"}
)
_TOKEN_PATHS = frozenset({("oauth", "token"), ("oauth2", "token"), ("token",), ("connect", "token")})


@dataclass(frozen=True)
class _Public:
    """Why an operation may be called without OAuth 2.0 (`reason`), or why it may not (`refused`)."""

    reason: str = ""
    refused: str = ""


def _effective_security(index: SpecIndex, op: Operation) -> tuple[list[Any], str]:
    """The security requirements that apply to `op` and the pointer they are written at."""
    if op.security is not None:
        return list(op.security), op.pointer + "/security"
    root = index.get("/security")
    return (list(root) if isinstance(root, list) else []), "/security"


def _bare_segments(op: Operation) -> list[str]:
    """The path's segments in lower case without leading `api` and version segments."""
    segs = [s.lower() for s in segments(op.path)]
    while segs and (segs[0] == "api" or is_version_segment(segs[0])):
        segs = segs[1:]
    return segs


def _flow_paths(schemes: dict[str, tuple[str, dict[str, Any]]]) -> set[str]:
    """The URL paths of every OAuth 2.0 flow's token, authorization and refresh URL."""
    paths = set()
    for _, scheme in schemes.values():
        flows = scheme.get("flows") if isinstance(scheme.get("flows"), dict) else {"": scheme}
        for flow in flows.values():
            for key in ("tokenUrl", "authorizationUrl", "refreshUrl"):
                url = flow.get(key) if isinstance(flow, dict) else None
                if isinstance(url, str) and url.strip():
                    paths.add(urlsplit(url.strip()).path.rstrip("/") or "/")
    return paths


def _built_in(op: Operation, flow_paths: set[str]) -> str:
    """Why `op` is public by nature without being declared, or ""."""
    segs = _bare_segments(op)
    has_path_params = "{" in op.path
    if op.method == "get" and not has_path_params and segs and segs[-1] in _DESCRIPTION_NAMES:
        return "the API's own OpenAPI description"
    if op.method in ("get", "head") and not has_path_params and segs and all(s in _HEALTH_NAMES for s in segs):
        return "a health/status operation with no path parameter"
    if op.method == "post" and ((op.path.rstrip("/") or "/") in flow_paths or "/" + "/".join(segs) in flow_paths or tuple(segs) in _TOKEN_PATHS):
        return "the OAuth 2.0 token endpoint"
    return ""


def _record_schemas(index: SpecIndex, declaration: Declaration) -> tuple[dict[str, str], dict[int, str]]:
    """(pointer of a declared entity's operation -> what it is, id of a record schema -> entity) from the declaration."""
    roles: dict[str, str] = {}
    records: dict[int, str] = {}
    for name, mapping in declaration.entities.items():
        for role, ref in (("collection", mapping.collection), ("item", mapping.item), *(("write", w) for w in mapping.writes)):
            op = index.find_operation(ref) if ref else None
            if op is None:
                continue
            roles.setdefault(op.pointer, f"the {name} {role}")
            if role == "item":
                for schema in _success_schemas(index, op):
                    records.setdefault(id(schema), name)
            elif role == "collection":
                for schema in _success_schemas(index, op):
                    for member in _members(index, schema):
                        records.setdefault(id(member), name)
    return roles, records


def _success_schemas(index: SpecIndex, op: Operation) -> list[Any]:
    """The resolved schema of every 2xx media type of `op`."""
    out = []
    for resp in op.responses:
        if is_success(resp):
            for mt in resp.media_types:
                node = index.resolve(mt.schema) if mt.schema is not None else None
                if isinstance(node, dict):
                    out.append(node)
    return out


def _members(index: SpecIndex, schema: Any, depth: int = 2) -> list[Any]:
    """The resolved schemas one or two levels inside `schema` (array items, object properties)."""
    if depth <= 0 or not isinstance(schema, dict):
        return []
    found = []
    inner = [schema.get("items")] + list((schema.get("properties") or {}).values() if isinstance(schema.get("properties"), dict) else [])
    for node in inner:
        resolved = index.resolve(node)
        if isinstance(resolved, dict):
            found.append(resolved)
            found += _members(index, resolved, depth - 1)
    return found


def _public(index: SpecIndex, op: Operation, declaration: Declaration | None, flow_paths: set[str], data: tuple[dict[str, str], dict[int, str]]) -> _Public:
    """Whether an operation that can be called without OAuth 2.0 is public by design (see the module docstring)."""
    built_in = _built_in(op, flow_paths)
    declared = declaration is not None and any(index.find_operation(ref) is op for ref in declaration.public_operations)
    roles, records = data
    if declared or built_in:
        if op.pointer in roles:
            return _Public(refused=f"it is {roles[op.pointer]}, council data")
        for schema in _success_schemas(index, op):
            entity = records.get(id(schema)) or next((records[id(m)] for m in _members(index, schema) if id(m) in records), None)
            if entity is not None:
                return _Public(refused=f"it answers with the {entity} record schema, council data")
    if declared:
        return _Public(reason="declared public in the supplier declaration; serves no declared entity's data")
    if built_in:
        return _Public(reason=f"{built_in} (public without a declaration)")
    return _Public()


def _scope_problems(index: SpecIndex, op: Operation | None, requirements: list[Any], pointer: str, oauth2: dict[str, set[str]]) -> list[Problem]:
    """A problem per scope a requirement names that its oauth2 scheme's flows do not declare."""
    problems = []
    who = f"{op.key} requires" if op is not None else "the document's default security requires"
    for i, requirement in enumerate(requirements):
        if not isinstance(requirement, dict):
            continue
        for name, scopes in requirement.items():
            if name not in oauth2 or not isinstance(scopes, list):
                continue
            missing = [str(s) for s in scopes if str(s) not in oauth2[name]]
            for scope in missing:
                declared = ", ".join(sorted(oauth2[name])) or "none"
                problems.append(Problem(f"{who} scope {scope!r} that OAuth 2.0 scheme {name!r} does not declare in any flow (declared: {declared}), so no client can be granted it", join(pointer, i, name)))
    return problems


def _declared_scopes(scheme: dict[str, Any]) -> set[str]:
    """Every scope an oauth2 scheme's flows declare (3.x `flows.*.scopes`, 2.0 `scopes`)."""
    flows = scheme.get("flows") if isinstance(scheme.get("flows"), dict) else {"": scheme}
    return {str(s) for flow in flows.values() if isinstance(flow, dict) and isinstance(flow.get("scopes"), dict) for s in flow["scopes"]}


@check("spec.oauth2-security", title="OAuth 2.0 protects every data operation", family=FAMILY, needs=("spec",))
def oauth2_security(ctx: CheckContext) -> Decision:
    """An oauth2/openIdConnect scheme exists and every alternative of every operation's effective security
    requires it, unless the operation is public by design and serves no council data (declared in
    `public_operations`, or the description, token endpoint or a health/status operation; see the
    module docstring); and every scope an operation requires is declared by its oauth2 scheme (GDS:
    control access to your API; use OAuth 2.0, with scopes for granular access)."""
    index = need_index(ctx)
    schemes = security_schemes(index)
    oauth = {name for name, (_, s) in schemes.items() if str(s.get("type", "")).lower() in _OAUTH_TYPES}
    if not oauth:
        where = "/securityDefinitions" if index.major == 2 else "/components/securitySchemes"
        return decide(index, [Problem("no oauth2 or openIdConnect security scheme is defined", where if schemes else "")], ok="", bad="no OAuth 2.0 security scheme")
    oauth2 = {name: _declared_scopes(s) for name, (_, s) in schemes.items() if str(s.get("type", "")).lower() == "oauth2"}
    flow_paths = _flow_paths({n: schemes[n] for n in oauth2})
    declaration = ctx.declaration
    data = _record_schemas(index, declaration) if declaration is not None else ({}, {})
    root = index.get("/security")
    problems = _scope_problems(index, None, list(root) if isinstance(root, list) else [], "/security", oauth2)
    evidence = [note(index, f"OAuth 2.0 scheme {name!r} ({schemes[name][1].get('type')})", schemes[name][0]) for name in sorted(oauth)]
    unknown = [ref for ref in (declaration.public_operations if declaration is not None else ()) if index.find_operation(ref) is None]
    evidence += [note(index, f"the declaration's public_operations names {ref!r}, which the description does not have", "/paths") for ref in unknown]
    for op in index.operations:
        requirements, pointer = _effective_security(index, op)
        if op.security is not None:
            problems += _scope_problems(index, op, requirements, pointer, oauth2)
        open_alternative = not requirements or not all(isinstance(r, dict) and oauth & set(r) for r in requirements)
        if not open_alternative:
            continue
        public = _public(index, op, declaration, flow_paths, data)
        if public.reason:
            evidence.append(note(index, f"{op.key} is public: {public.reason}", pointer))
            continue
        why = f"; it may not be public: {public.refused}" if public.refused else "; it is not declared public (public_operations) nor a description, token or health operation"
        if not requirements:
            problems.append(Problem(f"{op.key} requires no security{why}", pointer))
        else:
            problems.append(Problem(f"{op.key} can be called without OAuth 2.0 (an alternative lacks {', '.join(sorted(oauth))}){why}", pointer))
    return decide(index, problems, ok=f"every data operation requires {', '.join(sorted(oauth))}", bad="{n} problem(s) with OAuth 2.0 on data operations", evidence=evidence[:MAX_FINDINGS])
