"""Placing a validation error that the engine reported relative to a sub-schema, and tidying its message.

openapi-spec-validator's keyword validators give paths relative to the schema they checked (`/type`
for a parameter's `schema/type`), so the error has no place in the document. The node is found again
by its path suffix and its offending value, which the message starts with (`'time' is not valid ...`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

_SCALAR = re.compile(r"^('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-?\d+(?:\.\d+)?|True|False|None) ")
MAX_NODES = 2_000_000  # a walk of the whole document stops here (bounded time on huge documents)


def offending_value(message: str) -> tuple[bool, Any]:
    """(found, value) of the scalar a jsonschema message starts with."""
    match = _SCALAR.match(message)
    if match is None:
        return False, None
    try:
        return True, ast.literal_eval(match.group(1))
    except (ValueError, SyntaxError):
        return False, None


def _walk(node: Any, pointer: str, budget: list[int]) -> Iterator[tuple[str, Any]]:
    budget[0] -= 1
    if budget[0] < 0:
        return
    yield pointer, node
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}", budget)
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _walk(child, f"{pointer}/{i}", budget)


def locate(data: Any, relative: str, message: str, taken: set[str]) -> str | None:
    """The pointer of the first node not yet `taken` whose path ends with `relative` and whose value the message names."""
    found, value = offending_value(message)
    if not found or not relative:
        return None
    for pointer, node in _walk(data, "", [MAX_NODES]):
        if pointer.endswith(relative) and pointer not in taken and type(node) is type(value) and node == value:
            taken.add(pointer)
            return pointer
    return None


def tidy(message: str) -> str:
    """`message` without a leading repr of a whole object or array (`{'name': ...} is not valid` -> `this object is not valid`)."""
    for opener, closer, noun in (("{", "}", "this object"), ("[", "]", "this array")):
        if message.startswith(opener):
            depth = 0
            for i, char in enumerate(message):
                depth += (char == opener) - (char == closer)
                if depth == 0:
                    return noun + message[i + 1:]
            return noun + " is not valid"
    return message
