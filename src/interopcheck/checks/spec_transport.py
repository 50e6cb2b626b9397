"""Static checks on transport and security: HTTPS servers, OAuth 2.0 on data operations,
no credentials in query strings, no `X-` headers (HSG-API-01/09/19, HSG-SEC-03).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision
from interopcheck.checks.spec_shapes import (
    FAMILY,
    Problem,
    decide,
    is_meta_operation,
    need_index,
    normalise,
    note,
    security_schemes,
)
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation
from interopcheck.spec.pointer import join

_OAUTH_TYPES = frozenset({"oauth2", "openidconnect"})
#: Normalised query-parameter names that carry credentials.
_SECRET_PARAMS = frozenset(
    {
        "apikey", "apitoken", "accesstoken", "token", "key", "authtoken", "idtoken", "refreshtoken",
        "clientsecret", "sessiontoken", "bearer", "authorization", "password", "secret",
    }
)
_VARIABLE = re.compile(r"\{([^}]*)\}")


def _expand(url: str, variables: Any) -> list[str]:
    """Every concrete URL a server template can be: the default and each enum value of each variable."""
    if not isinstance(variables, dict) or "{" not in url:
        return [url]
    urls = [url]
    for name, var in variables.items():
        if not isinstance(var, dict):
            continue
        values = [var.get("default")] + list(var.get("enum") or ())
        values = [str(v) for v in dict.fromkeys(values) if v is not None]
        if values:
            urls = [u.replace("{" + str(name) + "}", v) for u in urls for v in values]
    return urls


def _server_problems(index: SpecIndex, servers: Any, pointer: str, where: str) -> list[Problem]:
    """Problems of one `servers` array (root, path item or operation)."""
    problems = []
    base_scheme = urlsplit(index.document.base_uri).scheme
    for i, server in enumerate(servers if isinstance(servers, list) else ()):
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        url_ptr = join(pointer, i, "url")
        for concrete in _expand(url, server.get("variables")):
            scheme = urlsplit(concrete).scheme.lower() if "://" in concrete else ""
            head = concrete.split("://")[0] if "://" in concrete else concrete[:1]
            if _VARIABLE.search(head) or head == "{":
                problems.append(Problem(f"{where}server {url!r} leaves its scheme to an undeclared variable", url_ptr))
            elif scheme == "https":
                continue
            elif not scheme and base_scheme == "https":
                continue  # relative to a description that was itself fetched over HTTPS
            elif not scheme and base_scheme == "http":
                problems.append(Problem(f"{where}server {url!r} is relative to a description served over plain http", url_ptr))
            elif not scheme:
                problems.append(Problem(f"{where}server {url!r} is relative, so its scheme (HTTPS) is not stated", url_ptr))
            else:
                problems.append(Problem(f"{where}server {concrete!r} is not HTTPS", url_ptr))
    return problems


@check("spec.https-servers", title="Every server is HTTPS", family=FAMILY, needs=("spec",))
def https_servers(ctx: CheckContext) -> Decision:
    """Every server URL (3.x `servers` at root, path and operation level; 2.0 `schemes` + `host`) is https."""
    index = need_index(ctx)
    if index.major == 2:
        return _swagger_schemes(index)
    root = index.get("/servers")
    if not isinstance(root, list) or not root:
        return decide(index, [Problem("no servers are declared, so the API's HTTPS base URL is not documented", "")], ok="", bad="no servers declared")
    problems = _server_problems(index, root, "/servers", "")
    seen_paths: set[str] = set()
    for op in index.operations:
        path_ptr = join("/paths", op.path)
        if path_ptr not in seen_paths:
            seen_paths.add(path_ptr)
            item = index.resolve(index.get(path_ptr))
            if isinstance(item, dict) and "servers" in item:
                problems += _server_problems(index, item["servers"], join(path_ptr, "servers"), f"path {op.path}: ")
        node = index.get(op.pointer)
        if isinstance(node, dict) and "servers" in node:
            problems += _server_problems(index, node["servers"], join(op.pointer, "servers"), f"{op.key}: ")
    return decide(index, problems, ok=f"all {len(root)} server(s) are HTTPS", bad="{n} server URL(s) are not HTTPS", evidence=[note(index, str(s.get("url")), f"/servers/{i}") for i, s in enumerate(root) if isinstance(s, dict)])


def _swagger_schemes(index: SpecIndex) -> Decision:
    """Swagger 2.0: `host` is given and every scheme, root or per operation, is https."""
    problems = []
    schemes = index.get("/schemes")
    if not isinstance(index.get("/host"), str):
        problems.append(Problem("no host is declared, so the API's HTTPS base URL is not documented", ""))
    if not isinstance(schemes, list) or not schemes:
        problems.append(Problem("no schemes are declared, so HTTPS is not stated", ""))
    else:
        problems += [Problem(f"scheme {s!r} is not https", f"/schemes/{i}") for i, s in enumerate(schemes) if str(s).lower() != "https"]
    for op in index.operations:
        node = index.get(op.pointer)
        own = node.get("schemes") if isinstance(node, dict) else None
        if isinstance(own, list):
            problems += [Problem(f"{op.key}: scheme {s!r} is not https", join(op.pointer, "schemes", i)) for i, s in enumerate(own) if str(s).lower() != "https"]
    return decide(index, problems, ok="host and schemes declare HTTPS only", bad="{n} problem(s) with HTTPS")


def _effective_security(index: SpecIndex, op: Operation) -> tuple[list[Any], str]:
    """The security requirements that apply to `op` and the pointer they are written at."""
    if op.security is not None:
        return list(op.security), op.pointer + "/security"
    root = index.get("/security")
    return (list(root) if isinstance(root, list) else []), "/security"


@check("spec.oauth2-security", title="OAuth 2.0 protects every data operation", family=FAMILY, needs=("spec",))
def oauth2_security(ctx: CheckContext) -> Decision:
    """An oauth2/openIdConnect scheme exists and every alternative of every data operation's effective
    security requires it; meta operations (health, token, the description) may be public."""
    index = need_index(ctx)
    schemes = security_schemes(index)
    oauth = {name for name, (_, s) in schemes.items() if str(s.get("type", "")).lower() in _OAUTH_TYPES}
    if not oauth:
        where = "/securityDefinitions" if index.major == 2 else "/components/securitySchemes"
        return decide(index, [Problem("no oauth2 or openIdConnect security scheme is defined", where if schemes else "")], ok="", bad="no OAuth 2.0 security scheme")
    problems = []
    for op in index.operations:
        if is_meta_operation(op):
            continue
        requirements, pointer = _effective_security(index, op)
        if not requirements:
            problems.append(Problem(f"{op.key} requires no security", pointer))
        elif not all(isinstance(r, dict) and oauth & set(r) for r in requirements):
            problems.append(Problem(f"{op.key} can be called without OAuth 2.0 (an alternative lacks {', '.join(sorted(oauth))})", pointer))
    evidence = [note(index, f"OAuth 2.0 scheme {name!r} ({schemes[name][1].get('type')})", schemes[name][0]) for name in sorted(oauth)]
    return decide(index, problems, ok=f"every data operation requires {', '.join(sorted(oauth))}", bad="{n} data operation(s) not protected by OAuth 2.0", evidence=evidence)


@check("spec.no-query-api-keys", title="No API keys or tokens in query strings", family=FAMILY, needs=("spec",))
def no_query_api_keys(ctx: CheckContext) -> Decision:
    """No apiKey scheme `in: query` and no query parameter named like api_key, access_token, token or key."""
    index = need_index(ctx)
    problems = [
        Problem(f"security scheme {name!r} sends an API key in the query string ({scheme.get('name')!r})", ptr)
        for name, (ptr, scheme) in security_schemes(index).items()
        if str(scheme.get("type", "")).lower() == "apikey" and scheme.get("in") == "query"
    ]
    seen: set[str] = set()
    for op in index.operations:
        for param in op.parameters:
            if param.location == "query" and normalise(param.name) in _SECRET_PARAMS and param.pointer not in seen:
                seen.add(param.pointer)
                problems.append(Problem(f"{op.key} takes a credential-like query parameter {param.name!r}", param.pointer))
    return decide(index, problems, ok="no credentials in query strings", bad="{n} credential(s) in query strings")


@check("spec.no-x-headers", title="No X- headers", family=FAMILY, needs=("spec",))
def no_x_headers(ctx: CheckContext) -> Decision:
    """No request header parameter, response header or apiKey header named `X-*` (RFC 6648)."""
    index = need_index(ctx)
    problems = [
        Problem(f"security scheme {name!r} uses header {scheme.get('name')!r}", ptr)
        for name, (ptr, scheme) in security_schemes(index).items()
        if scheme.get("in") == "header" and str(scheme.get("name", "")).lower().startswith("x-")
    ]
    seen: set[str] = set()
    for op in index.operations:
        for param in op.parameters:
            if param.location == "header" and param.name.lower().startswith("x-") and param.pointer not in seen:
                seen.add(param.pointer)
                problems.append(Problem(f"{op.key} takes request header {param.name!r}", param.pointer))
        for resp in op.responses:
            for header in resp.headers:
                if header.lower().startswith("x-"):
                    problems.append(Problem(f"{op.key} response {resp.status} sends header {header!r}", join(resp.pointer, "headers", header)))
    return decide(index, problems, ok="no X- headers", bad="{n} X- header(s)")
