"""Static checks on the description as a document: validity, version, info, operationIds, export.

These answer HSG-API-02/03/04 and HSG-EXP-09 from the index alone; versioning (HSG-API-07/22) is
`spec_versioning`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed
from interopcheck.checks.spec_servers import PLACEHOLDER, root_servers
from interopcheck.checks.spec_shapes import (
    FAMILY,
    MAX_FINDINGS,
    Problem,
    base_media,
    decide,
    is_bulk_media,
    is_export_operation,
    is_success,
    need_index,
    note,
)
from interopcheck.model import Finding, Location
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import Operation
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
    findings = [  # an error in a `$ref`d file (`<file URI>#<pointer>`) is located in that file
        Finding(issue.message, ctx.index.location(issue.pointer) if ctx.index is not None and "#" in issue.pointer
                else Location(issue.pointer, issue.line, source))
        for issue in ctx.validation.errors
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
