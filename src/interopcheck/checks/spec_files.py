"""Which request bodies and responses transfer a file rather than exchange structured data.

HSG-API-05 asks for JSON because the GDS API technical and data standards make JSON the first
choice for representing data ("Use JSON for response formats", with other representations only in
exceptional cases such as a legacy XML system). A file is not a representation of data: a
document, photo or spreadsheet is sent as its own bytes (RFC 7578 multipart uploads, RFC 2046
`application/octet-stream`, `application/pdf`, `image/*`). So file uploads and downloads are
exempt from the JSON rule, and every exemption says why; XML or form-encoded data never is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from interopcheck.checks.spec_shapes import (
    BULK_MEDIA,
    base_media,
    is_export_operation,
    object_properties,
    segments,
    types_of,
)
from interopcheck.spec.index import SpecIndex
from interopcheck.spec.operations import MediaType, Operation, Response
from interopcheck.spec.pointer import join

#: Media types that are files whatever the operation: documents, images, archives, raw bytes.
FILE_MEDIA = frozenset(
    {
        "application/pdf", "application/octet-stream", "application/zip", "application/x-zip-compressed",
        "application/gzip", "application/x-gzip", "application/x-tar", "application/x-7z-compressed",
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/rtf",
        "application/postscript", "application/epub+zip", "application/dicom", "binary/octet-stream",
    }
)
_FILE_PREFIXES = ("image/", "audio/", "video/", "font/", "model/", "application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.")
#: Text media types that are files when the operation sends them as one (an export, an attachment).
_TEXT_FILE_MEDIA = BULK_MEDIA | {"text/plain", "text/tab-separated-values", "text/calendar", "text/markdown"}
_MULTIPART = ("multipart/form-data", "multipart/mixed", "multipart/related")
#: Path segments and operationId words that name a file transfer.
_FILE_WORDS = frozenset(
    {
        "download", "downloads", "upload", "uploads", "export", "exports", "import", "imports", "attachment",
        "attachments", "file", "files", "content", "raw", "photo", "photos", "image", "images", "pdf", "csv",
    }
)
_BINARY_FORMATS = frozenset({"binary", "byte", "base64"})


def is_file_media(name: str) -> bool:
    """A media type that is a file whatever the operation (`application/pdf`, `image/png`, octet-stream)."""
    base = base_media(name)
    return base in FILE_MEDIA or base.startswith(_FILE_PREFIXES)


def is_binary_schema(index: SpecIndex, schema: Any) -> bool:
    """A schema for raw bytes: `format: binary`/`byte`/`base64`, `contentEncoding`, a non-JSON
    `contentMediaType`, Swagger 2.0's `type: file`, or an array of those (several files)."""
    node = index.resolve(schema)
    if not isinstance(node, dict):
        return False
    types = types_of(node)
    if "file" in types or node.get("format") in _BINARY_FORMATS or "contentEncoding" in node:
        return True
    media = node.get("contentMediaType")
    if isinstance(media, str) and not base_media(media).endswith("json"):
        return True
    return "array" in types and is_binary_schema(index, node.get("items"))


def _binary_parts(index: SpecIndex, mt: MediaType) -> list[str]:
    """The parts of a multipart body that carry a file."""
    props = object_properties(index, mt.schema) or {}
    return [str(name) for name, prop in props.items() if is_binary_schema(index, prop)]


def _words(op: Operation) -> set[str]:
    """Lower-case path segments and operationId words (`downloadLetter` -> download, letter)."""
    words = {s.lower().split(".")[0] for s in segments(op.path) if not s.startswith("{")}
    if op.operation_id:
        words |= {w.lower() for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", op.operation_id) if w}
    return words


def _sent_as_file(op: Operation, response: Response | None) -> str:
    """Why the operation sends text as a file (Content-Disposition, an export, a file-naming path), or ""."""
    if response is not None and any(h.lower() == "content-disposition" for h in response.headers):
        return "a Content-Disposition header"
    if is_export_operation(op):
        return "an export path"
    named = sorted(_words(op) & _FILE_WORDS)
    return f"its path or operationId names a file ({', '.join(named)})" if named else ""


def file_transfer(index: SpecIndex, op: Operation, media: Sequence[MediaType], response: Response | None = None) -> str:
    """Why the body (request when `response` is None, else that response) transfers a file, or "".

    Every media type offered must be a file: a file media type (PDF, image, octet-stream,
    archive), a multipart body with a binary part, a binary schema, or a text type such as CSV
    that the operation sends as a file. One structured type (XML, form-encoded) among them means
    data, which the JSON rule covers.
    """
    reasons = []
    for mt in media:
        base = base_media(mt.name)
        if base in _MULTIPART:
            parts = _binary_parts(index, mt)
            if not parts:
                return ""
            reasons.append(f"{base} with file part(s) {', '.join(parts[:3])}")
        elif is_file_media(base):
            reasons.append(base)
        elif is_binary_schema(index, mt.schema):
            reasons.append(f"{base} with a binary schema")
        elif base in _TEXT_FILE_MEDIA and (why := _sent_as_file(op, response)):
            reasons.append(f"{base} sent as a file ({why})")
        else:
            return ""
    return ", ".join(reasons)


def produces_only_files(index: SpecIndex, op: Operation) -> str:
    """For Swagger 2.0, the file media types an operation `produces` when every one is a file, else ""."""
    if index.major != 2:
        return ""
    produces = index.get(join(op.pointer, "produces"))
    if not isinstance(produces, list):
        produces = index.data.get("produces")
    names = [str(m) for m in produces] if isinstance(produces, list) else []
    return ", ".join(names) if names and all(is_file_media(n) for n in names) else ""


def bodyless_download(index: SpecIndex, op: Operation, response: Response) -> str:
    """Why a 2xx response that describes no content is a file download (Content-Disposition, a
    download path, Swagger 2.0 `produces` of files only), or ""."""
    if files := produces_only_files(index, op):
        return f"it produces {files}"
    return _sent_as_file(op, response)


def download_operation(index: SpecIndex, op: Operation) -> str:
    """Why a GET is a file download rather than a data resource, or "": every 2xx response that
    describes content transfers a file (`file_transfer`), or, describing none, is a download by
    `bodyless_download`. Its answer is the file's own bytes, so HSG-API-05/06's JSON rule does
    not apply to it (live checks sample data resources only)."""
    if op.method != "get":
        return ""
    reasons = []
    for resp in op.responses:
        if not resp.status.startswith("2"):
            continue
        why = file_transfer(index, op, resp.media_types, resp) if resp.media_types else bodyless_download(index, op, resp)
        if not why:
            return ""
        reasons.append(why)
    return "; ".join(dict.fromkeys(reasons))
