"""Referenced documents served to the validators offline: from what `load_spec` read, never from disk or network.

openapi-spec-validator-rs opens `file:` documents itself (a FIFO beside the spec would block it), but
asks its retriever for every `https:` one. So it is given the root under `RS_FILE_BASE` instead of its
`file:` URI, and every relative `$ref` comes back here, where the documents the spec stage already read
(regular files inside the spec's folder) are served. An absolute `file:` URI in a document would still
be opened by rs: `names_a_file` finds one, and the pure-Python engine, whose handlers all serve from
here, validates such a description instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson

#: The base that stands in for `file:` URIs when rs validates (`.invalid` names no host, RFC 2606).
RS_FILE_BASE = "https://spec.interopcheck.invalid"


def rs_uri(uri: str) -> str:
    """`uri` as rs is given it: a `file:` URI under `RS_FILE_BASE`, anything else as it is."""
    if uri[:7].lower() == "file://":
        parts = urlsplit(uri)
        if parts.netloc in ("", "localhost"):
            return RS_FILE_BASE + parts.path
    return uri


def offline_retriever(externals: Mapping[str, Any], stubs: Mapping[str, Any]) -> Callable[[str], bytes]:
    """A retriever serving `externals` (URI -> data, as `load_spec` read them) and `stubs` (remote documents
    not fetched); a `file:` document is also found under `RS_FILE_BASE`, however rs percent-encodes it.
    Anything else raises LookupError, which the validators report as an unresolvable reference."""
    local = {unquote(urlsplit(uri).path): data for uri, data in externals.items() if uri[:5].lower() == "file:"}

    def retrieve(uri: str) -> bytes:
        key = uri.partition("#")[0]
        data = externals.get(key, stubs.get(key))
        if data is None and key.startswith(RS_FILE_BASE + "/"):
            data = local.get(unquote(key[len(RS_FILE_BASE):]))
        if data is None:
            raise LookupError(f"{uri} was not loaded (referenced documents are read by load_spec only)")
        return orjson.dumps(data)

    return retrieve


def names_a_file(documents: Iterable[Any]) -> bool:
    """Whether any `$`-keyword (`$ref`, `$id`, `$schema`...) in `documents` is an absolute `file:` URI,
    which rs would open itself whatever its base."""
    stack = list(documents)
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    stack.append(value)
                elif isinstance(value, str) and key.startswith("$") and value[:5].lower() == "file:":
                    return True
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False
