"""Static checks from the CDDO API linting rules that no other check covers: kebab-case paths,
semantic versioning of `info.version`, API domain names and an identified open licence.

Sources: the CDDO "govuk-public" Spectral ruleset (co-cddo/api-standards-linting: rules
`paths-kebab-case`, `semver`, `domain-name-length`, `domain-name-characters`, `license`) and the GDS
guidance it implements ("Get an API domain on GOV.UK": a domain name "should be between 3 and 63
characters long" and "contain only alphanumeric characters (0-9 and a-z) and the '-' (dash) symbol").
Every rule is a SHOULD in the ruleset's own terms ("should use kebab case", "should use semantic
versioning", "should be a popular open source licence"), so each check only ever makes its
requirement `warn`. Where a rule's pattern is narrower than its text (a server URL with a path, a
root path `/`, an SPDX pre-release version) the check follows the text; docs/cddo-agreement.md
measures agreement with the ruleset's own test documents.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, not_applicable, skipped
from interopcheck.checks.spec_shapes import FAMILY, Problem, decide, need_index, note
from interopcheck.model import Status
from interopcheck.spec.pointer import join

# ----------------------------------------------------------------------------- paths-kebab-case

#: A literal path segment: lower-case letters, digits, '-' and '.' (the CDDO pattern's class).
_KEBAB = re.compile(r"^[a-z0-9.-]+$")
_TEMPLATE = re.compile(r"\{[^{}]*\}")


def path_problem(path: str) -> str | None:
    """Why `path` is not lower-case kebab-case, or None. Template segments (`{id}`) are names of
    parameters, not URL text, so only the literal text around them is judged; `/` and a trailing
    slash are allowed (no CDDO test case covers them; neither is a naming matter); a segment starting
    with `$` is an operation named by a standard (FHIR Bulk Data `$export`, OData `$batch`), not by
    the API, so it is not judged either."""
    bad = []
    for segment in path.split("/"):
        literal = _TEMPLATE.sub("", segment)
        if literal.startswith("$"):  # an operation a standard names (FHIR `$export`, OData `$batch`)
            continue
        if literal and not _KEBAB.match(literal):
            bad.append(segment)
    if not bad:
        return None
    shown = ", ".join(repr(s) for s in bad[:3])
    return f"path {path} has segment(s) {shown} that are not lower-case kebab-case (a-z, 0-9, '-', '.')"


@check("spec.kebab-case-paths", title="Paths are lower-case kebab-case", family=FAMILY, needs=("spec",))
def kebab_case_paths(ctx: CheckContext) -> Decision:
    """Every literal path segment is lower-case letters, digits, '-' and '.' (CDDO rule
    `paths-kebab-case`: "Paths should use kebab case."); parameter names in `{}` are not judged."""
    index = need_index(ctx)
    paths = index.get("/paths")
    if not isinstance(paths, dict) or not paths:
        return not_applicable("the description has no paths")
    # a path whose operations are all callbacks (the client's URL, `spec.callbacks`) is not a path of this API
    callbacks = {op.path for op, _ in index.callbacks} - {op.path for op in index.operations}
    problems = [Problem(message, join("/paths", path)) for path in paths if isinstance(path, str) and path not in callbacks and (message := path_problem(path))]
    return decide(index, problems, ok=f"all {len(paths)} path(s) are lower-case kebab-case",
                  bad="{n} path(s) are not lower-case kebab-case (CDDO paths-kebab-case, a SHOULD)")


# ------------------------------------------------------------------------------------- semver

#: Semantic Versioning 2.0.0 (semver.org's pattern): MAJOR.MINOR.PATCH, optional pre-release and build.
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_SHORT = re.compile(r"^[vV]?\d+(\.\d+){0,3}$")


def version_problem(version: Any) -> str | None:
    """Why `version` (info.version) is not a semantic version, or None."""
    if not isinstance(version, str):
        return f"info.version {version!r} is not a string, so not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.0.0)"
    if _SEMVER.match(version):
        return None
    shown = repr(version if len(version) <= 40 else version[:37] + "...")
    hint = ""
    if _SHORT.match(version):
        hint = f" (write {_padded(version)})"
    return f"info.version {shown} is not a semantic version MAJOR.MINOR.PATCH such as 1.0.0{hint}"


def _padded(short: str) -> str:
    """`v6.0` -> `6.0.0`: a short version written as MAJOR.MINOR.PATCH (at most three numbers kept)."""
    numbers = [str(int(n)) for n in short.lstrip("vV").split(".")[:3]]
    return ".".join(numbers + ["0"] * (3 - len(numbers)))


@check("spec.semver-version", title="info.version is a semantic version", family=FAMILY, needs=("spec",))
def semver_version(ctx: CheckContext) -> Decision:
    """`info.version` follows Semantic Versioning 2.0.0 (CDDO rule `semver`, ADR 0000 "Version
    must use semantic versioning": MAJOR.MINOR.PATCH tells consumers whether a release breaks them).
    A pre-release or build suffix (`1.0.0-beta.1`) is allowed, as SemVer allows it."""
    index = need_index(ctx)
    info = index.get("/info")
    if not isinstance(info, dict) or "version" not in info:
        return skipped("info.version is missing (spec.valid-openapi reports it)")
    message = version_problem(info["version"])
    problems = [Problem(message, "/info/version")] if message else []
    return decide(index, problems, ok=f"info.version {info['version']!r} is a semantic version",
                  bad="info.version is not a semantic version (CDDO semver, a SHOULD)")


# -------------------------------------------------------------------------------- domain names

_LABEL_CHARS = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_VARIABLE = re.compile(r"\{([^{}]*)\}")


def _server_urls(index: Any) -> list[tuple[str, str]]:
    """(pointer, URL) of the root servers (3.x) or of `host` (2.0), server variables given their defaults."""
    if index.major == 2:
        host = index.get("/host")
        return [("/host", f"https://{host}")] if isinstance(host, str) and host.strip() else []
    out = []
    for i, server in enumerate(index.get("/servers") or ()):
        if not isinstance(server, dict) or not isinstance(server.get("url"), str):
            continue
        variables = server.get("variables") if isinstance(server.get("variables"), dict) else {}
        url = _VARIABLE.sub(lambda m: str((variables.get(m.group(1)) or {}).get("default", m.group(0))), server["url"])
        out.append((f"/servers/{i}/url", url))
    return out


def _development_host(host: str) -> bool:
    """localhost, *.localhost or an IP address: a development server, not an API domain."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def domain_problems(host: str) -> list[str]:
    """Why `host` breaks the GDS domain name guidance (characters; 3-63 characters for the API's
    own name, its leftmost label; at most 63 for every label, RFC 1035)."""
    labels = host.lower().rstrip(".").split(".")
    out = []
    odd = [label for label in labels if not _LABEL_CHARS.match(label)]
    if odd:
        out.append(f"domain {host} has label(s) {', '.join(repr(x) for x in odd[:3])} with characters other than a-z, 0-9 and "
                   "'-' (or a leading or trailing '-') (CDDO domain-name-characters)")
    if not 3 <= len(labels[0]) <= 63:
        out.append(f"domain {host}: its name {labels[0]!r} is {len(labels[0])} characters, not between 3 and 63 (CDDO domain-name-length)")
    long = [label for label in labels[1:] if len(label) > 63]
    if long:
        out.append(f"domain {host} has a label of {len(long[0])} characters; a DNS label is at most 63 (CDDO domain-name-length)")
    return out


@check("spec.domain-name", title="Server domain names follow the GDS API domain rules", family=FAMILY, needs=("spec",))
def domain_name(ctx: CheckContext) -> Decision:
    """Every server's host name contains only a-z, 0-9 and '-' in each label, and its leftmost label
    (the API's name, as in vehicle-registration-number.api.gov.uk) is 3 to 63 characters (GDS "Get an
    API domain on GOV.UK"; CDDO rules `domain-name-length` and `domain-name-characters`). Relative
    URLs, localhost and IP addresses have no API domain and are listed as evidence, not judged;
    a URL with a path is judged on its host (the CDDO pattern would reject any path)."""
    index = need_index(ctx)
    problems, evidence, judged = [], [], 0
    for pointer, url in _server_urls(index):
        try:
            host = urlsplit(url.strip()).hostname or ""
        except ValueError:
            host = ""
        if not host or "{" in host:
            evidence.append(note(index, f"{url}: no host name to judge (relative URL or unresolved variable)", pointer))
        elif _development_host(host):
            evidence.append(note(index, f"{url}: a development server (localhost or IP address), not an API domain", pointer))
        else:
            judged += 1
            problems += [Problem(message, pointer) for message in domain_problems(host)]
    if not judged and not problems:
        reason = "no server has a domain name to judge" if evidence else "no servers are declared (spec.https-servers reports it)"
        return Decision(Status.NOT_APPLICABLE, reason, (), tuple(evidence))
    return decide(index, problems, ok=f"{judged} server domain name(s) follow the GDS rules",
                  bad="{n} domain name problem(s) (GDS API domain guidance, a SHOULD)", evidence=evidence)


# -------------------------------------------------------------------------------------- licence

#: SPDX identifiers of open licences: the CDDO `license` rule's list (popular OSI licences) plus the
#: UK Open Government Licence and the Creative Commons / Open Data Commons licences used for data
#: and documentation (TCoP: open standards with royalty-free licensing). Lower-case keys.
OPEN_LICENCES = frozenset(x.lower() for x in (
    "Apache-2.0", "CDDL-1.0", "EPL-2.0", "GPL-2.0", "GPL-2.0-only", "GPL-3.0", "GPL-3.0-only", "LGPL-2.1",
    "LGPL-2.1-only", "LGPL-3.0", "LGPL-3.0-only", "LGPL-2.0-only", "MPL-2.0", "BSD-2-Clause", "BSD-3-Clause", "MIT",
    "ISC", "EUPL-1.2", "OGL-UK-3.0", "OGL-UK-2.0", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODbL-1.0", "ODC-By-1.0",
    "PDDL-1.0",
))

#: Licence names as people write them -> the SPDX family they name (matched on lower-case text).
_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((family, re.compile(pattern)) for family, pattern in (
    ("apache-2.0", r"\bapache\b.*\b2(\.0)?\b|^apache-2\.0$"),
    ("mit", r"^(the )?mit( license| licence)?$|\bmit license\b|\bmit licence\b"),
    ("ogl", r"\bopen government licen[cs]e\b|^ogl\b|\bogl[- ]uk\b"),
    ("cc-by-sa", r"\bcc[- ]by[- ]sa\b|creative commons attribution[- ]share[- ]?alike"),
    ("cc-by", r"\bcc[- ]by\b(?![- ]sa)|creative commons attribution(?![- ]share)"),
    ("cc0", r"\bcc0\b|creative commons zero"),
    ("bsd", r"\bbsd\b"),
    ("gpl", r"\b(l|a)?gpl\b|gnu (lesser |affero )?general public licen[cs]e"),
    ("mpl-2.0", r"\bmpl\b|mozilla public licen[cs]e"),
    ("odbl", r"\bodbl\b|open database licen[cs]e"),
    ("epl-2.0", r"\bepl\b|eclipse public licen[cs]e"),
    ("eupl", r"\beupl\b|european union public licen[cs]e"),
))

#: Canonical licence URLs -> the family they name (so a URL that names another licence is caught).
_URLS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((family, re.compile(pattern)) for family, pattern in (
    ("apache-2.0", r"apache\.org/licen[cs]es/license-2\.0|licen[cs]es?/apache-2\.0"),
    ("mit", r"licen[cs]es?/mit\b"),
    ("ogl", r"nationalarchives\.gov\.uk/doc/open-government-licen[cs]e"),
    ("cc-by-sa", r"creativecommons\.org/licen[cs]es/by-sa/"),
    ("cc-by", r"creativecommons\.org/licen[cs]es/by/"),
    ("cc0", r"creativecommons\.org/publicdomain/zero/"),
    ("gpl", r"gnu\.org/licenses/(l|a)?gpl|licen[cs]es?/(l|a)?gpl-"),
    ("bsd", r"licen[cs]es?/bsd-"),
    ("mpl-2.0", r"mozilla\.org/(en-us/)?mpl/|licen[cs]es?/mpl-2\.0"),
))


def _family(spdx: str) -> str:
    """The family of an SPDX identifier (`OGL-UK-3.0` -> `ogl`, `CC-BY-SA-4.0` -> `cc-by-sa`)."""
    low = spdx.lower()
    for prefix in ("ogl", "cc-by-sa", "cc-by", "cc0", "bsd", "odbl", "eupl"):
        if low.startswith(prefix):
            return prefix
    if re.match(r"^(l|a)?gpl-", low):
        return "gpl"
    return low


def _named(text: str, table: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """The first family whose pattern matches `text` (lower-cased), or None."""
    low = " ".join(text.lower().split())
    return next((family for family, pattern in table if pattern.search(low)), None)


def licence_problems(licence: dict[str, Any]) -> list[Problem]:
    """Problems of `info.license`: an identifier that is not an open licence, a name that names no
    recognised open licence (without an identifier), a URL that names a different licence."""
    identifier, name, url = licence.get("identifier"), licence.get("name"), licence.get("url")
    problems = []
    family = None
    if isinstance(identifier, str) and identifier.strip():
        if identifier.strip().lower() in OPEN_LICENCES:
            family = _family(identifier.strip())
        else:
            problems.append(Problem(f"info.license.identifier {identifier!r} is not a recognised open licence "
                                    "(CDDO license: a popular open source licence, e.g. Apache-2.0, MIT; or OGL-UK-3.0)",
                                    "/info/license/identifier"))
    elif isinstance(name, str) and name.strip():
        family = _named(name, _NAMES)
        if family is None:
            problems.append(Problem(f"info.license.name {name.strip()[:60]!r} names no recognised open licence and no SPDX "
                                    "identifier is given (CDDO license)", "/info/license/name"))
    if family is not None and isinstance(url, str) and url.strip():
        linked = _named(url, _URLS)
        if linked is not None and linked != family:
            problems.append(Problem(f"info.license.url {url.strip()[:80]!r} points at a {linked} licence, but the licence "
                                    f"is declared as {identifier or name!r}", "/info/license/url"))
    return problems


@check("spec.licence-open", title="The licence is an identified open licence", family=FAMILY, needs=("spec",))
def licence_open(ctx: CheckContext) -> Decision:
    """`info.license` names an open licence: its SPDX `identifier` (OpenAPI 3.1) is on the CDDO
    `license` rule's list of popular open source licences or is the UK Open Government Licence or a
    Creative Commons / Open Data Commons licence; without an identifier its `name` names one; and its
    `url`, when it is a known licence URL, names the same licence. No licence at all is left to
    spec.info-complete (HSG-API-03)."""
    index = need_index(ctx)
    licence = index.get("/info/license")
    if not isinstance(licence, dict) or not any(isinstance(licence.get(k), str) and licence[k].strip() for k in ("identifier", "name")):
        return not_applicable("no licence is declared (spec.info-complete reports it under HSG-API-03)")
    shown = licence.get("identifier") or licence.get("name")
    return decide(index, licence_problems(licence), ok=f"licence {shown!r} is an identified open licence",
                  bad="the licence is not an identified open licence ({n} finding(s); CDDO license, a SHOULD)",
                  evidence=[note(index, f"licence: {shown}", "/info/license")])
