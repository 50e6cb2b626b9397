"""Load an API description safely from a file or an http(s) URL, with the files it `$ref`s.

Every way a description can be unusable (too big, not UTF-8, binary, not JSON/YAML, alias
bombs, absurd nesting, duplicate keys, not OpenAPI at all) ends in one `SpecReadError` whose
one-line message says what is wrong and how to mend it. JSON goes through orjson, never
through YAML; YAML through libyaml's safe loader. Duplicate keys: YAML is always refused;
JSON is checked up to `JSON_DUPLICATE_CHECK_BYTES` (a second, slower parse), and larger JSON
keeps the last value of a repeated key, as JavaScript does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import yaml

from interopcheck.errors import SpecReadError
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.files import read_regular_file
from interopcheck.spec.lines import YamlLineFinder, line_finder
from interopcheck.spec.refs import join_ref, local_ref, spec_folder
from interopcheck.spec.refwalk import iter_refs
from interopcheck.spec.remote import fetch
from interopcheck.spec.yaml_safe import MAX_DEPTH, parse_yaml

DEFAULT_MAX_BYTES = 50_000_000
JSON_DUPLICATE_CHECK_BYTES = 5_000_000
MAX_EXTERNAL_FILES = 500
MAX_HINT = "raise the limit with --max-spec-bytes"

# A `$ref` whose target is not only a fragment: the cheap test for "has external refs".
_EXTERNAL_REF = re.compile(r"""["']?\$ref["']?\s*:\s*["']?(?!#)[^\s"'#,}]""")


def load_spec(
    source: str,
    *,
    allow_remote_refs: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = 30.0,
) -> SpecDocument:
    """Read, decode and parse the description at `source` (a path or an http(s) URL).

    Files `$ref`d inside its folder tree are loaded into `externals`; other local files are never
    read (`refs.py`). Network `$ref`s (and every relative `$ref` of a spec read from a URL) are
    fetched only when `allow_remote_refs`; otherwise they are listed in `remote_refs`, which is
    not an error. Raises `SpecReadError` for anything
    that makes the document unreadable as an OpenAPI description.
    """
    if _is_url(source):
        raw = fetch(source, max_bytes=max_bytes, timeout=timeout, other_origins=allow_remote_refs)
        base_uri = source
    else:
        path = Path(source)
        raw = read_file(path, max_bytes=max_bytes, label=source)
        base_uri = path.resolve().as_uri()
    text = decode(raw, source)
    fmt, data, yaml_root = _parse(text, source)
    _require_openapi(data, source)
    loaded = _Externals()
    if _EXTERNAL_REF.search(text):
        loaded = _load_externals(
            data, base_uri, source, allow_remote_refs=allow_remote_refs,
            budget=max(0, max_bytes - len(raw)), timeout=timeout,
        )
    if fmt == "json":
        finder = line_finder(text.encode("utf-8"), "json")
    else:  # the loader's node tree: composing a large YAML file again would cost seconds
        finder = YamlLineFinder(yaml_root if yaml_root is not None else text)
    return SpecDocument(
        data=data,
        source=source,
        base_uri=base_uri,
        format=fmt,
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        externals=loaded.data,
        remote_refs=tuple(loaded.not_fetched),
        line_finder=finder,
        unreadable=loaded.unreadable,
        external_lines=loaded.lines,
        raw=raw,
    )


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def read_file(path: Path, *, max_bytes: int, label: str) -> bytes:
    """The bytes of the regular file `path`, refused before reading when it is bigger than `max_bytes`
    (a FIFO, device or socket is refused without blocking: `files.read_regular_file`)."""
    return read_regular_file(path, max_bytes=max_bytes, label=label, error=SpecReadError, max_hint=MAX_HINT)


def decode(raw: bytes, label: str) -> str:
    """`raw` as text: UTF-8 (BOM stripped), or UTF-16/32 when a BOM says so."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        encoding = "utf-8"
    elif raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        encoding = "utf-32"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise SpecReadError(
            f"{label}: not {encoding.upper()} at byte {err.start}",
            hint="save the file as UTF-8",
        ) from None
    if not text.strip():
        raise SpecReadError(f"{label}: the file is empty", hint="give the OpenAPI document itself")
    if "\x00" in text:
        where = text.index("\x00")
        raise SpecReadError(
            f"{label}: binary data (a NUL character at {where}), not JSON or YAML",
            hint="give the OpenAPI document as text",
        )
    return text


def parse(text: str, label: str) -> tuple[str, Any]:
    """("json" | "yaml", data): JSON when the first non-space character is `{` or `[`."""
    fmt, data, _ = _parse(text, label)
    return fmt, data


def _parse(text: str, label: str) -> tuple[str, Any, yaml.Node | None]:
    """As `parse`, plus the composed YAML node tree (kept for the line finder)."""
    first = text.lstrip()[:1]
    try:
        if first in ("{", "["):
            return "json", _parse_json(text, label), None
        return ("yaml", *parse_yaml(text, label))
    except RecursionError:
        raise SpecReadError(
            f"{label}: nested too deeply to read",
            hint=f"keep nesting under {MAX_DEPTH} levels",
        ) from None
    except MemoryError:
        raise SpecReadError(f"{label}: too large to hold in memory", hint="split the document") from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _parse_json(text: str, label: str) -> Any:
    body = text.encode("utf-8")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as err:
        if "depth limit" in str(err):
            raise SpecReadError(
                f"{label}: JSON nested more than 1024 levels deep",
                hint=f"keep nesting under {MAX_DEPTH} levels",
            ) from None
        raise SpecReadError(f"{label}: invalid JSON: {err}", hint="fix the JSON syntax at that place") from None
    if _depth(data) > MAX_DEPTH:
        raise SpecReadError(
            f"{label}: nested more than {MAX_DEPTH} levels deep",
            hint="flatten the document with $ref components",
        )
    if len(body) <= JSON_DUPLICATE_CHECK_BYTES:
        try:
            json.loads(text, object_pairs_hook=_no_duplicates)
        except _DuplicateKey as dup:
            raise SpecReadError(
                f"{label}: duplicate key {dup.key!r} in a JSON object: ambiguous document",
                hint="keep one of the two",
            ) from None
        except (RecursionError, ValueError):
            pass  # orjson read it; the stdlib's own limits are not the document's fault
    return data


def _depth(data: Any) -> int:
    """How deeply `data` nests (1 for a scalar or an empty container), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack += [(v, level + 1) for v in node.values() if isinstance(v, (dict, list))]
        elif isinstance(node, list):
            stack += [(v, level + 1) for v in node if isinstance(v, (dict, list))]
    return deepest


#: What a top level that is not a mapping is, in JSON's (and YAML's) own words, not Python's.
_JSON_KINDS: dict[type, str] = {
    list: "a list", str: "a string", type(None): "null", bool: "a boolean", int: "a number", float: "a number",
}


def _require_openapi(data: Any, label: str) -> None:
    if not isinstance(data, dict):
        kind = _JSON_KINDS.get(type(data), f"a {type(data).__name__}")
        raise SpecReadError(
            f"{label}: the top level is {kind}, not a mapping",
            hint="an OpenAPI document is a mapping with an `openapi` key",
        )
    if "swaggerVersion" in data:
        raise SpecReadError(
            f"{label}: Swagger {data.get('swaggerVersion')} is not supported",
            hint="convert it to OpenAPI 3 first, for example with swagger2openapi",
        )
    if "openapi" not in data and "swagger" not in data:
        raise SpecReadError(
            f"{label}: not an OpenAPI description (no `openapi` or `swagger` key)",
            hint="give the OpenAPI 3.x or Swagger 2.0 document",
        )


def ref_target(base_uri: str, ref: str) -> str:
    """The absolute URI (fragment dropped) of the document `ref` points into, from `base_uri`."""
    target = ref.partition("#")[0]
    return join_ref(base_uri, target) if target else base_uri.partition("#")[0]


#: `$ref`d files that are text for people, not JSON or YAML: never parsed (bundlers inline them as strings).
_TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".rst", ".adoc")


@dataclass
class _Externals:
    """What `_load_externals` gathers: parsed documents, their line finders, the remote references
    not fetched and the documents that could not be used (with why)."""

    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, Callable[[str], int | None]] = field(default_factory=dict)
    not_fetched: list[tuple[str, str]] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)


def _why(err: SpecReadError, *labels: str) -> str:
    """A read error's message without the document's URI or path in front (the finding names it)."""
    message = err.message
    for label in labels:
        if message.startswith(label + ": "):
            return message[len(label) + 2:]
    return message


def _load_externals(
    root: Any, base_uri: str, label: str, *, allow_remote_refs: bool, budget: int, timeout: float
) -> _Externals:
    """Load every document reachable by non-fragment `$ref`s, breadth first, under `budget` bytes.

    Network `$ref`s are only recorded, as (site, reference), unless `allow_remote_refs`. Local
    files outside the spec's folder tree, and any local file `$ref`d by a document fetched by URL,
    are never read. `$ref` members of example and default values are data (`refwalk`), never
    followed. A document that cannot be used (a Markdown file, a 404, a file that is not JSON or
    YAML) is recorded in `unreadable`: the references to it are findings, not a read error; after
    a network failure, the same host is not asked again.
    """
    out = _Externals()
    queue: list[tuple[str, Any]] = [(base_uri, root)]
    root_uri = base_uri.partition("#")[0]
    folder = spec_folder(root_uri)
    swagger2 = isinstance(root, dict) and "swagger" in root and "openapi" not in root
    failed_hosts: dict[str, str] = {}
    while queue:
        doc_uri, data = queue.pop(0)
        for pointer, ref in iter_refs(data, swagger2=swagger2):
            if ref.startswith("#"):
                continue
            uri = ref_target(doc_uri, ref)
            if uri == root_uri or uri in out.data or uri in out.unreadable:
                continue
            parts = urlsplit(uri)
            scheme = parts.scheme.lower()
            try:
                if scheme in ("http", "https"):
                    if not allow_remote_refs:
                        out.not_fetched.append((pointer if doc_uri == root_uri else f"{doc_uri}#{pointer}", ref))
                        continue
                    if parts.netloc in failed_hosts:
                        out.unreadable[uri] = f"not fetched: {failed_hosts[parts.netloc]}"
                        continue
                    if parts.path.lower().endswith(_TEXT_SUFFIXES):
                        out.unreadable[uri] = "it names a text file, not a JSON or YAML document, so it was not fetched"
                        continue
                    try:
                        raw = fetch(uri, max_bytes=budget, timeout=timeout, given=root_uri, other_origins=True)
                    except SpecReadError as err:
                        if "HTTP " not in err.message:  # no answer at all: do not wait on that host again
                            failed_hosts[parts.netloc] = f"an earlier fetch from {parts.netloc} failed"
                        raise
                elif scheme == "file":  # only inside the spec's folder tree, never from a URL (refs.py)
                    path = local_ref(uri, doc_uri, folder).path
                    if path is not None and path.exists() and not path.is_file() and not path.is_dir():
                        out.unreadable[uri] = f"{path.name} is not a regular file (a pipe, device or socket), so it was not read"
                        continue
                    if path is None or not path.is_file():
                        continue  # refused or dangling: reported by validation, not a read error
                    if path.suffix.lower() in _TEXT_SUFFIXES:
                        out.unreadable[uri] = f"{path.name} is a text file, not a JSON or YAML document"
                        continue
                    raw = read_file(path, max_bytes=budget, label=uri)
                else:
                    continue  # urn: and the like: left to validation
                if len(out.data) >= MAX_EXTERNAL_FILES:
                    raise _TooMany
                text = decode(raw, uri)
                fmt, parsed, node = _parse(text, uri)
            except SpecReadError as err:
                out.unreadable[uri] = f"it could not be used: {_why(err, uri, urlsplit(uri).path)}"
                continue
            except _TooMany:
                raise SpecReadError(
                    f"{label}: more than {MAX_EXTERNAL_FILES} referenced files",
                    hint="bundle the description into one file",
                ) from None
            budget -= len(raw)
            out.data[uri] = parsed
            if scheme == "file":
                out.lines[uri] = line_finder(text.encode("utf-8"), "json") if fmt == "json" else YamlLineFinder(node if node is not None else text)
            queue.append((uri, parsed))
    return out


class _TooMany(Exception):
    """More referenced files than MAX_EXTERNAL_FILES: the description is refused, not a finding."""
