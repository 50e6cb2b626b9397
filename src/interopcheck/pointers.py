"""JSON pointers (RFC 6901) read from supplier records, and the `MISSING` marker for "no value there".

Shared by the declaration (`interopcheck.declaration`) and its field rules
(`interopcheck.declaration_rules`), which both read supplier records by pointer.
"""

from __future__ import annotations

from typing import Any


class _Missing:
    """The one marker of an absent value (distinct from a JSON null); falsy."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "MISSING"  # unpickles as the module's own instance, so `is MISSING` holds across processes


MISSING: Any = _Missing()


def tokens_of(pointer: str) -> tuple[str, ...]:
    """The unescaped reference tokens of `pointer` ("/a~1b/c" -> ("a/b", "c"))."""
    if pointer in ("", "/"):
        return ()
    return tuple(t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:])


def pointer_get(record: Any, pointer: str) -> Any:
    """The value at JSON pointer `pointer` in `record`, or `MISSING`."""
    if pointer in ("", "/"):
        return record
    return tokens_get(record, tokens_of(pointer))


def tokens_get(record: Any, tokens: tuple[str, ...]) -> Any:
    """The value at the already split pointer `tokens` in `record`, or `MISSING`."""
    node = record
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                return MISSING
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node


def tokens_set(target: dict[str, Any], tokens: tuple[str, ...], value: Any) -> None:
    """Set `value` at `tokens` in `target`, creating objects on the way."""
    node = target
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    node[tokens[-1]] = value


def tokens_set_copy(target: dict[str, Any], tokens: tuple[str, ...], value: Any) -> None:
    """Set `value` at `tokens` in the shallow copy `target`, copying each object on the way (the original stays as it was)."""
    node = target
    for token in tokens[:-1]:
        child = node.get(token)
        child = dict(child) if isinstance(child, dict) else {}
        node[token] = child
        node = child
    node[tokens[-1]] = value
