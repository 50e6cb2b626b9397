"""Which "operations" of a description are requests the API sends to its client (callbacks, webhooks).

Some descriptions document their callbacks as paths (NHS Notify's `/<client-provided-channel-status-URI>`,
tagged `Callbacks`): the client implements them, the API calls them. They are not operations of the
API, so the static checks (versioning, error responses, path style, headers) must not judge them.
OpenAPI 3's own `callbacks` and 3.1's `webhooks` are outside `paths` and never indexed as operations.

The decision is made once, when the index is built (`SpecIndex.callbacks` keeps them with the reason),
from what the document itself says, never from one word:
- a path segment in angle brackets (`<client-provided-URI>`): not a URL template of this API
  (OpenAPI templates are `{name}`), but a stand-in for a URL the client gives;
- an explicit marker on the path item or operation (`x-callback`, `x-webhook` set true);
- a tag naming callbacks or webhooks together with a summary or description saying the API sends
  requests to the client ("sends POST requests to your service").
An API operation that only concerns callbacks (`GET /callbacks` listing registered URLs) is judged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from interopcheck.spec.index import SpecIndex
    from interopcheck.spec.operations import Operation

_PLACEHOLDER_SEGMENT = re.compile(r"^<[^<>]+>$")
#: Extension keys (lower case, `-`/`_` dropped) that mark a path item or operation as a callback.
_MARKERS = frozenset({"xcallback", "xwebhook", "xiscallback", "xiswebhook", "xcallbackrequest", "xwebhookrequest"})
_CALLBACK_TAG = re.compile(r"^(client\s*)?(callbacks?|webhooks?)$", re.IGNORECASE)
#: Prose saying the API sends requests to the client ("sends POST requests to your service").
_SENDS_TO_CLIENT = re.compile(
    r"\b(sends?|posts?|will (send|post|call)|calls?|notif(y|ies))\b[^.]{0,60}?\bto (your|the client'?s?|the subscriber'?s?|the consumer'?s?)\b",
    re.IGNORECASE,
)


def _key(name: str) -> str:
    return re.sub(r"[-_]", "", name.lower())


def _marker(node: Any) -> str | None:
    if not isinstance(node, dict):
        return None
    return next((k for k, v in node.items() if isinstance(k, str) and _key(k) in _MARKERS and v not in (False, None, "", "false")), None)


def client_callback(index: SpecIndex, op: Operation) -> str | None:
    """Why `op` is a request the API sends to the client, not an operation of the API, or None."""
    placeholders = [s for s in op.path.split("/") if _PLACEHOLDER_SEGMENT.match(s)]
    if placeholders:
        return (f"its path {op.path} is a placeholder for a URL the client provides ({placeholders[0]}), not a path of this API,"
                " so it documents a request the API sends to the client (a callback)")
    paths = index.data.get("paths") if isinstance(index.data, dict) else None
    item_raw = paths.get(op.path) if isinstance(paths, dict) else None
    item = index.resolve(item_raw)
    op_raw = item_raw.get(op.method) if isinstance(item_raw, dict) else None
    op_node = index.get(op.pointer)
    for where, node in (("path item", item), ("operation", op_raw), ("operation", op_node)):
        found = _marker(node)
        if found:
            return f"its {where} is marked {found}: true, so it documents a request the API sends to the client (a callback)"
    tags = set(op.tags)
    if isinstance(op_raw, dict) and isinstance(op_raw.get("tags"), list):  # tags written beside an operation `$ref`
        tags |= {t for t in op_raw["tags"] if isinstance(t, str)}
    tag = next((t for t in sorted(tags) if _CALLBACK_TAG.match(t.strip())), None)
    if tag is None:
        return None
    texts = [op.summary or ""] + [n.get("description") for n in (op_node, op_raw) if isinstance(n, dict) and isinstance(n.get("description"), str)]
    said = next((m for t in texts if (m := _SENDS_TO_CLIENT.search(t))), None)
    if said is None:
        return None
    return (f"it is tagged {tag!r} and documented as a request the API sends to the client ('{said.group(0)}'),"
            " so it is a callback the client implements, not an operation of this API")

