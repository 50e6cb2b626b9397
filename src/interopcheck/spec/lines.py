"""Find the 1-based line of a JSON pointer in the raw text of a JSON or YAML API description.

Both finders are lazy: nothing is scanned until the first lookup, and what a scan learns is
cached, so a 13 MB description costs one pass over its bytes, and only when a finding needs
a line. JSON is scanned with a byte-level tokenizer (strings and brackets only); YAML is
composed once with libyaml (`yaml.CSafeLoader`), whose nodes carry their marks.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

import orjson
import yaml

LineFinder = Callable[[str], "int | None"]

# A JSON string (escapes included), matched possessively: a repeated group that may backtrack keeps
# state per character, so one 45 MB string took gigabytes; this form keeps none.
_STRING = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'
# A JSON string or one bracket; everything else between tokens is skipped in C.
_TOKEN = re.compile(_STRING + rb'|[\[\]{}]', re.DOTALL)
# The next string, bracket, comma or bare scalar.
_NEXT_TOKEN = re.compile(_STRING + rb'|[\[\]{},]|[^\s,\[\]{}":]+', re.DOTALL)


def _tokens(pointer: str) -> list[str] | None:
    """The unescaped tokens of `pointer` (with or without a leading `#`), or None if malformed."""
    pointer = pointer[1:] if pointer.startswith("#") else pointer
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        return None
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


class JsonLineFinder:
    """Pointer -> line over the raw bytes of a JSON document (callable).

    The first lookup builds a table of every container's opening and closing offsets in
    one regex pass; each lookup then walks only the direct children of the containers
    on its path, jumping over nested containers through the table.
    """

    def __init__(self, raw: bytes) -> None:
        """Keep `raw` (UTF-8 JSON bytes); no scanning happens yet."""
        self._raw = raw
        self._opens: array[int] | None = None
        self._closes: array[int] = array("q")
        self._newlines: array[int] | None = None
        self._children: dict[int, dict[str, int] | list[int]] = {}

    def __call__(self, pointer: str) -> int | None:
        """1-based line of the value at `pointer`, or None when it is not in the document."""
        tokens = _tokens(pointer)
        if tokens is None:
            return None
        self._build()
        pos = self._first_value(0)
        if pos is None:
            return None
        for token in tokens:
            children = self._children_of(pos)
            if isinstance(children, dict):
                pos = children.get(token)  # type: ignore[assignment]
            elif isinstance(children, list) and token.isdigit() and int(token) < len(children):
                pos = children[int(token)]
            else:
                return None
            if pos is None:
                return None
        return self._line(pos)

    def _build(self) -> None:
        if self._opens is not None:
            return
        opens: array[int] = array("q")
        closes: array[int] = array("q")
        stack: list[int] = []
        for match in _TOKEN.finditer(self._raw):
            char = match.group()[0]
            if char == 0x22:  # a string: skipped as a whole
                continue
            if char in (0x7B, 0x5B):  # { [
                stack.append(len(opens))
                opens.append(match.start())
                closes.append(-1)
            elif stack:
                closes[stack.pop()] = match.start()
        self._opens, self._closes = opens, closes

    def _close_of(self, open_pos: int) -> int:
        assert self._opens is not None
        i = bisect_left(self._opens, open_pos)
        if i < len(self._opens) and self._opens[i] == open_pos and self._closes[i] >= 0:
            return self._closes[i]
        return len(self._raw)

    def _first_value(self, pos: int) -> int | None:
        match = _NEXT_TOKEN.search(self._raw, pos)
        return match.start() if match else None

    def _children_of(self, pos: int) -> dict[str, int] | list[int] | None:
        """Direct children of the container opening at `pos`: key -> offset, or offsets."""
        cached = self._children.get(pos)
        if cached is not None:
            return cached
        raw = self._raw
        if raw[pos : pos + 1] not in (b"{", b"["):
            return None
        is_object = raw[pos : pos + 1] == b"{"
        end = self._close_of(pos)
        keys: dict[str, int] = {}
        items: list[int] = []
        cursor = pos + 1
        key: str | None = None
        while cursor < end:
            match = _NEXT_TOKEN.search(raw, cursor, end)
            if match is None:
                break
            text = match.group()
            start = match.start()
            if text == b",":
                cursor = match.end()
                continue
            if is_object and key is None:
                key = _decode_key(text)
                colon = raw.find(b":", match.end(), end)
                cursor = colon + 1 if colon >= 0 else end
                continue
            if is_object:
                keys.setdefault(key or "", start)  # the first of duplicate keys, as documented
                key = None
            else:
                items.append(start)
            cursor = self._close_of(start) + 1 if text in (b"{", b"[") else match.end()
        result: dict[str, int] | list[int] = keys if is_object else items
        self._children[pos] = result
        return result

    def _line(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = array("q", (m.start() for m in re.finditer(rb"\n", self._raw)))
        return bisect_right(self._newlines, offset - 1) + 1


def _decode_key(token: bytes) -> str:
    if b"\\" not in token:
        return token[1:-1].decode("utf-8", "replace")
    try:
        return str(orjson.loads(token))
    except orjson.JSONDecodeError:
        return token[1:-1].decode("utf-8", "replace")


class YamlLineFinder:
    """Pointer -> line over the text of a YAML document (callable), via libyaml's node marks."""

    def __init__(self, source: str | yaml.Node) -> None:
        """Keep `source`: text is composed on the first lookup only; a node tree (from the
        loader, which composed it anyway) is used as it is."""
        self._text: str | None = source if isinstance(source, str) else None
        self._root: yaml.Node | None = None if isinstance(source, str) else source
        self._maps: dict[int, dict[str, Any]] = {}

    def __call__(self, pointer: str) -> int | None:
        """1-based line of the node at `pointer` (a mapping value's key line), or None."""
        tokens = _tokens(pointer)
        if tokens is None:
            return None
        if self._root is None:
            if self._text is None:
                return None
            loader = yaml.CSafeLoader(self._text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
            self._text = None
            if self._root is None:
                return None
        node: Any = self._root
        mark = node.start_mark
        for token in tokens:
            if isinstance(node, yaml.MappingNode):
                found = self._mapping(node).get(token)
                if found is None:
                    return None
                key_node, node = found
                mark = key_node.start_mark
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
                node = node.value[int(token)]
                mark = node.start_mark
            else:
                return None
        return int(mark.line) + 1

    def _mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        cached = self._maps.get(id(node))
        if cached is None:
            cached = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    cached.setdefault(str(key_node.value), (key_node, value_node))
            self._maps[id(node)] = cached
        return cached


def line_finder(raw_or_text: bytes | str, fmt: str) -> LineFinder:
    """A lazy pointer -> line function for a document in format `fmt` ("json" or "yaml")."""
    if fmt == "json":
        raw = raw_or_text.encode("utf-8") if isinstance(raw_or_text, str) else raw_or_text
        return JsonLineFinder(raw)
    text = raw_or_text.decode("utf-8") if isinstance(raw_or_text, bytes) else raw_or_text
    return YamlLineFinder(text)
