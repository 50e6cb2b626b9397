"""Live check of document content downloads (HSG-API-27): `live.document-download`.

A document's metadata is a JSON record like any other; its content is a file in its own media
type, which the JSON rule of HSG-API-05/06 does not cover. What a council needs from a download
is that it is the file the metadata describes: the declared media type as its Content-Type, a
Content-Disposition with a file name to save it under (RFC 6266), and exactly the byte count
(and, when given, the SHA-256) the record states.
"""

from __future__ import annotations

import hashlib
import re
from email.message import Message
from typing import Any
from urllib.parse import quote

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import find_operation, finding_from_error, require_live, sampled_records
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, from_findings, not_applicable, skipped
from interopcheck.declaration import MISSING, DocumentsDecl, pointer_get
from interopcheck.errors import LiveError
from interopcheck.model import Finding

ENTITY = "document"
#: Downloads per run: enough to meet every media type in the sample without reading a whole archive.
MAX_DOWNLOADS = 10
_PATH_PARAM = re.compile(r"\{[^}/]+\}")


def _decl(ctx: CheckContext) -> DocumentsDecl | None:
    """The declared `documents:` entry, or None."""
    return ctx.declaration.documents if ctx.declaration is not None else None


def _picked(records: list[Any], media_pointer: str) -> list[Any]:
    """Up to MAX_DOWNLOADS records: one of each media type first, then the others in order."""
    first: dict[str, Any] = {}
    for record in records:
        first.setdefault(str(pointer_get(record, media_pointer)), record)
    chosen = list(first.values())[:MAX_DOWNLOADS]
    chosen += [r for r in records if all(r is not c for c in chosen)][: MAX_DOWNLOADS - len(chosen)]
    return chosen


def _url(ctx: CheckContext, decl: DocumentsDecl, record: Any) -> str | None:
    """The record's download URL, else the declared content operation's path with the record's id."""
    url = pointer_get(record, decl.url_field)
    if isinstance(url, str) and url.strip():
        return url.strip()
    op = find_operation(ctx, decl.content)
    rid = pointer_get(record, "/id")
    if op is None or rid is MISSING:
        return None
    return _PATH_PARAM.sub(lambda _m: quote(str(rid), safe=""), op.path)


def disposition(value: str) -> tuple[str | None, str | None]:
    """(disposition type, file name) of a Content-Disposition value (RFC 6266; `filename*` per RFC 8187)."""
    if not value.strip():
        return None, None
    msg = Message()
    msg["Content-Disposition"] = value
    return msg.get_content_disposition(), msg.get_filename()


def _media(value: Any) -> str:
    """A media type without parameters, lower-case."""
    return str(value).split(";")[0].strip().lower()


def _judge(record: Any, decl: DocumentsDecl, resp: Any) -> list[str]:
    """What is wrong with one download against its record (empty when it matches)."""
    problems = []
    declared = pointer_get(record, decl.media_type_field)
    if declared is MISSING or not str(declared).strip():
        problems.append(f"the record gives no media type at {decl.media_type_field}")
    elif _media(declared) != _media(resp.content_type):
        problems.append(f"Content-Type is {resp.content_type or 'missing'!r} but the record declares {declared!r}")
    kind, name = disposition(resp.headers.get("content-disposition", ""))
    if kind is None:
        problems.append("no Content-Disposition header")
    elif not name:
        problems.append(f"Content-Disposition {resp.headers['content-disposition']!r} names no file (filename or filename*)")
    size = pointer_get(record, decl.size_field)
    if isinstance(size, bool) or not isinstance(size, int):
        problems.append(f"the record gives no integer byte count at {decl.size_field}")
    else:
        if len(resp.content) != size:
            problems.append(f"{len(resp.content)} bytes were sent but the record states {size}")
        length = resp.headers.get("content-length")
        if length is not None and length.strip() != str(size):
            problems.append(f"Content-Length is {length} but the record states {size}")
    digest = pointer_get(record, "/sha256")
    if isinstance(digest, str) and digest and hashlib.sha256(resp.content).hexdigest() != digest.lower():
        problems.append("the content's SHA-256 differs from the record's sha256")
    return problems


@check("live.document-download", title="Document downloads match their metadata", family="live", needs=("live", "declaration", "credentials"))
def document_download(ctx: CheckContext) -> Decision:
    """HSG-API-27: a sample of documents (one of each media type first, at most MAX_DOWNLOADS) is
    downloaded; each answer must be 200 with the record's media type as Content-Type, a
    Content-Disposition naming a file (RFC 6266), and exactly the record's byte count (the body,
    and Content-Length when sent; the record's sha256 too when it gives one). Not applicable
    when the declaration serves no documents; not decided (error) when the sandbox holds none,
    since nothing could be downloaded."""
    assert ctx.declaration is not None
    decl = _decl(ctx)
    if ENTITY not in ctx.declaration.entities:
        if decl is None:
            return not_applicable("the declaration serves no documents (no document entity, no documents: entry)")
        return skipped("the declaration has a documents: entry but maps no document entity, so no document metadata could be read")
    decl = decl or DocumentsDecl(content="")
    records, walk = sampled_records(ctx, ENTITY)
    if not records:
        why = "; ".join(f.message for f in (*walk.errors, *walk.problems)[:3]) or "the document collection is empty"
        return errored(f"no document could be downloaded to test: {why}", [*walk.errors, *walk.problems][:5])
    live = require_live(ctx)
    findings, evidence, errors = [], [], []
    for record in _picked(records, decl.media_type_field):
        rid = pointer_get(record, "/id")
        url = _url(ctx, decl, record)
        if url is None:
            findings.append(Finding(f"document {rid}: no download URL at {decl.url_field} and no declared content operation"))
            continue
        try:
            resp = live.client.get(url)
        except LiveError as exc:
            errors.append(finding_from_error(f"document {rid}: GET {url}", exc))
            continue
        if resp.status != 200:
            findings.append(Finding(f"document {rid}: GET {resp.url} answered HTTP {resp.status}", exchange=resp.exchange))
            continue
        if problems := _judge(record, decl, resp):
            findings.append(Finding(f"document {rid}: {'; '.join(problems)}", exchange=resp.exchange, data={"id": str(rid)}))
        else:
            evidence.append(Finding(f"document {rid}: {resp.content_type}, {len(resp.content)} bytes, {resp.headers.get('content-disposition')}", exchange=resp.exchange))
    if not findings and not evidence:
        return errored("no document download could be completed", errors)
    return from_findings(
        [*findings, *errors] if findings else [],  # read failures are shown beside real findings, else only counted
        ok=f"{len(evidence)} document download(s) match their metadata" + (f" ({len(errors)} could not be read)" if errors else ""),
        bad="{n} document download(s) do not match their metadata",
        evidence=evidence,
    )
