"""JSON Pointer (RFC 6901): escaping tokens, building pointers and following one into parsed JSON."""

from __future__ import annotations

from typing import Any


def escape(token: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Unescape one JSON pointer token (RFC 6901)."""
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    """`pointer` extended by `tokens`, escaped."""
    return pointer + "".join("/" + escape(str(t)) for t in tokens)


def at(data: Any, pointer: str) -> Any:
    """The node at JSON pointer `pointer` (with or without `#`) in `data`, or None."""
    node = data
    pointer = pointer[1:] if pointer.startswith("#") else pointer
    if pointer == "":
        return node
    if not pointer.startswith("/"):
        return None  # a plain-name fragment (`#anchor`) is not a JSON pointer
    for raw in pointer.split("/")[1:]:
        token = unescape(raw)
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node
