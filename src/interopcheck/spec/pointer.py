"""JSON Pointer (RFC 6901): escaping tokens, building pointers and following one into parsed JSON."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote


def escape(token: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Unescape one JSON pointer token (RFC 6901)."""
    return token.replace("~1", "/").replace("~0", "~")


def from_fragment(fragment: str) -> str:
    """The JSON pointer a `$ref`'s URI fragment stands for (without `#`).

    RFC 6901 section 6: a pointer in a URI fragment is percent-encoded (RFC 3986), so the fragment
    is percent-decoded first (`Property%20Record` -> `Property Record`, `%7E1` -> `~1`) and only
    then read as a pointer, whose `~1` and `~0` escapes `at` undoes token by token.
    """
    return unquote(fragment) if "%" in fragment else fragment


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
