"""What each server URL of a description is: a production server, a development server or a placeholder.

Shared by `spec.https-servers` (only production servers are held to HTTPS), `spec.info-complete`
(placeholder servers are template text) and `spec.api-version` (a version in the production
server's path versions every operation). Decided from the URL alone:

- development: a loopback or private host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`, RFC 1918
  and link-local addresses), an mDNS `*.local` name or a single-label host such as a container name
  (`http://api:8080`): nothing on it can be a service other organisations call over the internet;
- placeholder: a name reserved for documentation or testing (RFC 2606 `example.com/.net/.org`,
  `.example`, `.test`, `.invalid`; RFC 6761), template wording in the host (`your-domain`,
  `<host>`, `changeme`), or a `{variable}` the server does not declare;
- production: anything else with a host; `relative`: no scheme and host (resolved against the
  description's own URL by the checks that need a scheme).

A module of helpers, not of checks: it registers nothing.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from interopcheck.spec.index import SpecIndex
from interopcheck.spec.pointer import join

PRODUCTION = "production"
DEVELOPMENT = "development"
PLACEHOLDER = "placeholder"
RELATIVE = "relative"

_VARIABLE = re.compile(r"\{([^}]*)\}")
#: RFC 2606 second-level names and RFC 2606/6761 top-level names reserved for documentation and testing.
_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_TLDS = ("example", "test", "invalid")
#: Template wording in a host name: `your-domain.com`, `yourcompany.api`, `<host>`, `changeme.io`.
_TEMPLATE_HOST = re.compile(
    r"(^|\.)(your|my)[-_]?(domain|company|org|organi[sz]ation|host|hostname|server|api|tenant|instance|site|app|council|subdomain|url)(\.|$)"
    r"|[<>]|(^|[.-])change-?me([.-]|$)|(^|[.-])placeholder([.-]|$)|(^|\.)x{3,}(\.|$)|(^|\.)(domain|hostname|host|server)\.(com|org|net|io)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Server:
    """One concrete URL a `servers` entry can be (each variable value expanded), and what it is."""

    url: str  # as written in the description
    concrete: str  # with the server's declared variables substituted
    pointer: str  # of the `url` member
    kind: str  # PRODUCTION, DEVELOPMENT, PLACEHOLDER or RELATIVE
    reason: str  # why it is a development server or a placeholder ("" for production and relative)

    @property
    def scheme(self) -> str:
        """`https`, `http` or "" for a relative URL or an unresolved template."""
        return urlsplit(self.concrete).scheme.lower() if "://" in self.concrete else ""

    @property
    def path(self) -> str:
        """The URL's path (the whole of a relative URL without query)."""
        return urlsplit(self.concrete).path if "://" in self.concrete else self.concrete.split("?", 1)[0]


def expand(url: str, variables: Any) -> list[str]:
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


def classify(concrete: str) -> tuple[str, str]:
    """(kind, reason) of one concrete server URL (see the module docstring)."""
    left = _VARIABLE.search(concrete)
    if left:
        return PLACEHOLDER, f"it leaves {{{left.group(1)}}} to a variable the server does not declare"
    if "://" not in concrete:
        return RELATIVE, ""
    try:
        host = (urlsplit(concrete).hostname or "").rstrip(".").lower()
    except ValueError:
        return PLACEHOLDER, "it is not a well-formed URL"
    if not host:
        return PLACEHOLDER, "it names no host"
    return host_kind(host)


def host_kind(host: str) -> tuple[str, str]:
    """(kind, reason) of a host name or address."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback or address.is_unspecified:
            return DEVELOPMENT, f"{host} is a loopback address"
        if address.is_private or address.is_link_local:
            return DEVELOPMENT, f"{host} is a private network address"
        return PRODUCTION, ""
    labels = host.split(".")
    if host == "localhost" or labels[-1] == "localhost":
        return DEVELOPMENT, f"{host} is a loopback name (RFC 6761)"
    if labels[-1] == "local":
        return DEVELOPMENT, f"{host} is a local-network (mDNS) name"
    if host in _RESERVED_DOMAINS or host.endswith(tuple("." + d for d in _RESERVED_DOMAINS)):
        return PLACEHOLDER, f"{host} is reserved for documentation (RFC 2606)"
    if labels[-1] in _RESERVED_TLDS:
        return PLACEHOLDER, f"{host} is under .{labels[-1]}, reserved for documentation and testing (RFC 2606, RFC 6761)"
    if _TEMPLATE_HOST.search(host):
        return PLACEHOLDER, f"{host} is template wording, not a real host"
    if len(labels) == 1:
        return DEVELOPMENT, f"{host} is a single-label host name, not a public domain"
    return PRODUCTION, ""


def servers_at(servers: Any, pointer: str) -> list[Server]:
    """Every concrete URL of one `servers` array (root, path item or operation), classified."""
    out = []
    for i, server in enumerate(servers if isinstance(servers, list) else ()):
        url = server.get("url") if isinstance(server, dict) else None
        if not isinstance(url, str):
            continue
        for concrete in expand(url, server.get("variables")):
            kind, reason = classify(concrete)
            out.append(Server(url, concrete, join(pointer, i, "url"), kind, reason))
    return out


def root_servers(index: SpecIndex) -> list[Server]:
    """The document's own `servers` (3.x), classified; Swagger 2.0's `host` + `basePath` as one URL per scheme."""
    if index.major == 2:
        host, base = index.get("/host"), index.get("/basePath")
        if not isinstance(host, str):
            return [Server(base, base, "/basePath", RELATIVE, "")] if isinstance(base, str) else []
        schemes = index.get("/schemes")
        out = []
        for scheme in schemes if isinstance(schemes, list) and schemes else ["https"]:
            concrete = f"{scheme}://{host}{base if isinstance(base, str) else ''}"
            kind, reason = classify(concrete)
            out.append(Server(concrete, concrete, "/host", kind, reason))
        return out
    return servers_at(index.get("/servers"), "/servers")


def production_or_stand_ins(servers: list[Server]) -> list[Server]:
    """The servers that stand for the live API: the production ones, or when there is none the
    placeholders and relative URLs (the document's template for it); development servers never."""
    real = [s for s in servers if s.kind == PRODUCTION]
    return real or [s for s in servers if s.kind in (PLACEHOLDER, RELATIVE)]
