"""Static checks on transport: HTTPS servers, no credentials in query strings, no `X-` headers
(HSG-API-01/19, HSG-SEC-03). OAuth 2.0 on data operations (HSG-API-09) is `spec_access`.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision
from interopcheck.checks.spec_servers import DEVELOPMENT, PLACEHOLDER, PRODUCTION, RELATIVE, Server, servers_at
from interopcheck.checks.spec_shapes import (
    FAMILY,
    MAX_FINDINGS,
    Problem,
    decide,
    need_index,
    normalise,
    note,
    security_schemes,
)
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Parameter
from interopcheck.spec.pointer import join

#: Normalised parameter name endings that mean a credential whatever the description says (`x_api_key`).
_CREDENTIAL_ENDINGS = (
    "apikey", "apitoken", "apisecret", "accesstoken", "authtoken", "idtoken", "refreshtoken", "oauthtoken",
    "clientsecret", "sessiontoken", "password", "passwd", "subscriptionkey", "accesskey", "secretkey",
    "privatekey", "clientassertion", "appsecret", "consumersecret", "oauthsignature",
)
#: Whole normalised names that mean a credential (as an ending they may be data: `repair_authorization`).
_CREDENTIAL_NAMES = frozenset({"bearer", "authorization", "secret", "credential", "credentials", "jwt", "authkey", "appkey"})
#: Names that are a credential unless documented as data (`token` may be a paging token, `signature` a field).
_USUALLY_CREDENTIAL = frozenset({"token", "signature", "sig", "auth"})
#: Names that are a credential only when documented as one (`key` is as often a code-list or cache key).
_SOMETIMES_CREDENTIAL = frozenset({"key"})
_CREDENTIAL_TEXT = re.compile(
    r"\b(api[ _-]?key|access[ _-]?(token|key)|auth(entication)?[ _-]?token|session[ _-]?token|bearer|credentials?|secret|"
    r"password|authenticat\w*|subscription[ _-]?key|licen[cs]e[ _-]?key|developer[ _-]?key|hmac|signed request|request signature|"
    r"sign(s|ed)? (the|each|every) request)\b",
    re.IGNORECASE,
)
_DATA_TEXT = re.compile(
    r"\b(page|paging|paginat\w*|cursor|continuation|next|offset|cache|code[ -]?lists?|records?|lookup|sort\w*|order\w*|"
    r"filter\w*|identif\w*|natural key|primary key|search\w*|entry|entries|etag|idempoten\w*)\b",
    re.IGNORECASE,
)
_VARIABLE = re.compile(r"\{([^}]*)\}")


def _server_problems(index: SpecIndex, server: Server, where: str, judged: bool) -> list[Problem]:
    """Problems of one concrete server URL. A development server never has one; a placeholder has
    one only when it is `judged` (it stands in for a production server no other URL names)."""
    url, url_ptr = server.url, server.pointer
    if server.kind == DEVELOPMENT or (server.kind == PLACEHOLDER and not judged):
        return []
    base_scheme = urlsplit(index.document.base_uri).scheme
    head = server.concrete.split("://")[0] if "://" in server.concrete else server.concrete[:1]
    if _VARIABLE.search(head) or head == "{":
        return [Problem(f"{where}server {url!r} leaves its scheme to an undeclared variable", url_ptr)]
    if server.scheme == "https" or (not server.scheme and base_scheme == "https"):
        return []  # a relative URL is relative to a description that was itself fetched over HTTPS
    if not server.scheme and base_scheme == "http":
        return [Problem(f"{where}server {url!r} is relative to a description served over plain http", url_ptr)]
    if not server.scheme:
        return [Problem(f"{where}server {url!r} is relative, so its scheme (HTTPS) is not stated", url_ptr)]
    return [Problem(f"{where}server {server.concrete!r} is not HTTPS", url_ptr)]


def _aside(server: Server, judged: bool) -> str:
    """What an evidence line says of a server that is not a real production host."""
    if server.kind == PLACEHOLDER:
        role = "stands in for the production server" if judged else "not judged beside the real production servers"
        return f" (a placeholder: {server.reason}; {role})"
    return " (relative)" if server.kind == RELATIVE else ""


def _all_servers(index: SpecIndex) -> list[tuple[Server, str]]:
    """Every concrete server URL of the document, root, path item and operation level, with where it is written."""
    found = [(s, "") for s in servers_at(index.get("/servers"), "/servers")]
    seen_paths: set[str] = set()
    for op in index.operations:
        path_ptr = join("/paths", op.path)
        if path_ptr not in seen_paths:
            seen_paths.add(path_ptr)
            item = index.resolve(index.get(path_ptr))
            if isinstance(item, dict) and "servers" in item:
                found += [(s, f"path {op.path}: ") for s in servers_at(item["servers"], join(path_ptr, "servers"))]
        node = index.get(op.pointer)
        if isinstance(node, dict) and "servers" in node:
            found += [(s, f"{op.key}: ") for s in servers_at(node["servers"], join(op.pointer, "servers"))]
    return found


@check("spec.https-servers", title="Every production server is HTTPS", family=FAMILY, needs=("spec",))
def https_servers(ctx: CheckContext) -> Decision:
    """Every production server URL (3.x `servers` at root, path and operation level, variables expanded;
    2.0 `schemes` + `host`) is https.

    A development server (a loopback or private host: `localhost`, `127.0.0.1`, `::1`, `*.localhost`,
    `*.local`) listed beside them carries no resident's data across a network, so it is evidence with
    the reason, never the failure. Placeholder servers (RFC 2606/6761 reserved names such as
    example.com or `*.test`, `{baseUrl}`) are judged only when no real production server is listed,
    since they then stand in for it; that they are placeholders is HSG-API-03's finding. A document
    that lists only development servers does not document its production HTTPS base URL (GDS: use
    HTTPS)."""
    index = need_index(ctx)
    if index.major == 2:
        return _swagger_schemes(index)
    root = index.get("/servers")
    if not isinstance(root, list) or not root:
        return decide(index, [Problem("no servers are declared, so the API's HTTPS base URL is not documented", "")], ok="", bad="no servers declared")
    servers = _all_servers(index)
    judged = not any(s.kind == PRODUCTION for s, _ in servers)
    problems = [p for s, where in servers for p in _server_problems(index, s, where, judged)]
    rooted = [s for s, where in servers if not where]
    if rooted and all(s.kind == DEVELOPMENT for s in rooted):
        shown = "; ".join(f"{s.concrete}: {s.reason}" for s in rooted[:3])
        problems.insert(0, Problem(f"only development servers are listed ({shown}), so the production HTTPS base URL is not documented", "/servers"))
    development = [(s, where) for s, where in servers if s.kind == DEVELOPMENT]
    evidence = [note(index, f"{where}{s.concrete}{_aside(s, judged)}", s.pointer) for s, where in servers if s.kind != DEVELOPMENT]
    evidence += [note(index, f"{where}{s.concrete} is a development server ({s.reason}), not a production server, so it is not held to HTTPS", s.pointer) for s, where in development]
    production = sum(1 for s, _ in servers if s.kind != DEVELOPMENT and (judged or s.kind != PLACEHOLDER))
    aside = f"; {len(development)} development server(s) not held to HTTPS" if development else ""
    return decide(index, problems, ok=f"all {production} production server URL(s) are HTTPS{aside}", bad="{n} server URL(s) are not HTTPS" + aside, evidence=evidence[:MAX_FINDINGS])


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


def _documentation(index: SpecIndex, param: Parameter) -> str:
    """The parameter's description, and its schema's title and description, as one text."""
    node = index.resolve(index.get(param.defined_at or param.pointer))
    schema = index.resolve(param.schema)
    texts = [node.get("description") if isinstance(node, dict) else None]
    texts += [schema.get(k) for k in ("title", "description")] if isinstance(schema, dict) else []
    return " ".join(t for t in texts if isinstance(t, str))


def _credential(index: SpecIndex, param: Parameter) -> tuple[bool | None, str]:
    """Whether a query parameter carries a credential, and why: by a name that means one, by its
    documentation, or (None) a name that is ambiguous and documented as data or not at all."""
    name = normalise(param.name)
    text = _documentation(index, param)
    if name.endswith(_CREDENTIAL_ENDINGS) or name in _CREDENTIAL_NAMES:
        return True, f"its name {param.name!r} names a credential"
    if name in _USUALLY_CREDENTIAL | _SOMETIMES_CREDENTIAL:
        if _CREDENTIAL_TEXT.search(text):
            return True, f"it is documented as a credential ({text.strip()[:80]!r})"
        if name in _SOMETIMES_CREDENTIAL:
            how = f"documented as data ({text.strip()[:80]!r})" if text.strip() else "not documented as a credential"
            return None, how
        if _DATA_TEXT.search(text):
            return None, f"documented as data ({text.strip()[:80]!r})"
        return True, f"its name {param.name!r} names a credential and nothing documents it as data"
    if text and _CREDENTIAL_TEXT.search(text) and re.search(r"key|token|secret|sig|auth|pass", name):
        return True, f"it is documented as a credential ({text.strip()[:80]!r})"
    return False, ""


@check("spec.no-query-api-keys", title="No API keys or tokens in query strings", family=FAMILY, needs=("spec",))
def no_query_api_keys(ctx: CheckContext) -> Decision:
    """No apiKey security scheme `in: query`, and no query parameter that carries a credential.

    A parameter carries one when its name means a credential (api_key, access_token, client_secret,
    password...), or it is named `token`, `signature` or `auth` and not documented as data (a paging
    token), or it is named `key` and documented as a credential ("your API key"): a `key` documented
    as data (a code-list key, a cache key) or not at all is listed as evidence, not counted (RFC 6750
    section 5.3; GDS: control access to your API)."""
    index = need_index(ctx)
    problems = [
        Problem(f"security scheme {name!r} sends an API key in the query string ({scheme.get('name')!r})", ptr)
        for name, (ptr, scheme) in security_schemes(index).items()
        if str(scheme.get("type", "")).lower() == "apikey" and scheme.get("in") == "query"
    ]
    evidence = []
    seen: set[str] = set()
    for op in index.operations:
        for param in op.parameters:
            if param.location != "query" or param.pointer in seen:
                continue
            seen.add(param.pointer)
            verdict, why = _credential(index, param)
            if verdict:
                problems.append(Problem(f"{op.key} takes a credential in query parameter {param.name!r}: {why}", param.pointer))
            elif verdict is None:
                evidence.append(note(index, f"{op.key}: query parameter {param.name!r} is {why}, so it is taken as data, not a credential", param.pointer))
    return decide(index, problems, ok="no credentials in query strings", bad="{n} credential(s) in query strings", evidence=evidence[:MAX_FINDINGS])


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
