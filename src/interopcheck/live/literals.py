"""A growing set of literal strings, found in a text in a few regex scans however many there are.

The Redactor looks for every written form of every secret of a run in every string that leaves
the process. A sandbox that issues a fresh token on each request makes that thousands of secrets;
a loop of `in` tests, or a plain regex alternation of them all, then costs time proportional to
their number for every string. Here the literals' first `KEY` characters are compiled into regexes
shaped as tries (a scan costs about the same for ten literals as for ten thousand, and the trie
nests no deeper than `KEY`), in levels merged like a binary counter (adding literals one at a time
recompiles each only about log n times); a key found is then checked against its literals in full.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

#: How many leading characters of a literal the tries hold.
KEY = 48
#: Keys kept in the small level that is recompiled on every change.
_PENDING = 32
#: Up to this many keys, `str.find` for each beats a trie regex (a find skips ahead; sre steps every character).
SMALL = 256


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of `words`, the longest first at each position, built as a trie (shared prefixes once)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body  # a word ends here: longer ones are optional, greedy, tried first

    return build(trie)


class LiteralSet:
    """Literal strings to find in texts: `spans(text)` gives where each occurs (overlapping occurrences included)."""

    def __init__(self) -> None:
        self._by_key: dict[str, list[str]] = {}  # key -> the literals that start with it, longest first
        self._levels: list[tuple[int, list[str]]] = []  # (id, keys), largest first; merged with the next when not larger
        self._pending: tuple[int, list[str]] = (0, [])
        self._ids = itertools.count(1)
        self._compiled: dict[tuple[int, bool], re.Pattern[str]] = {}

    def __len__(self) -> int:
        return sum(len(words) for words in self._by_key.values())

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._by_key.get(word[:KEY], ())

    def add(self, word: str) -> None:
        """Add one literal (empty strings and repeats are ignored)."""
        if not word or word in self:
            return
        key = word[:KEY]
        if key in self._by_key:
            self._by_key[key] = sorted([*self._by_key[key], word], key=len, reverse=True)
            return
        self._by_key[key] = [word]
        keys = [*self._pending[1], key]
        if len(keys) < _PENDING:
            self._pending = (next(self._ids), keys)
            return
        self._pending = (next(self._ids), [])
        while self._levels and len(self._levels[-1][1]) <= len(keys):
            keys = self._levels.pop()[1] + keys
        self._levels.append((next(self._ids), keys))

    def _patterns(self, overlapping: bool) -> list[re.Pattern[str]]:
        """One compiled trie per level: plain (fast, for a first look) or as a lookahead (every start, overlapping)."""
        levels = [level for level in (*self._levels, self._pending) if level[1]]
        live = {level_id for level_id, _ in levels}
        if any(key[0] not in live for key in self._compiled):
            self._compiled = {key: pattern for key, pattern in self._compiled.items() if key[0] in live}
        out = []
        for level_id, keys in levels:
            if (level_id, overlapping) not in self._compiled:
                trie = trie_pattern(keys)
                self._compiled[(level_id, overlapping)] = re.compile(f"(?=({trie}))" if overlapping else trie)
            out.append(self._compiled[(level_id, overlapping)])
        return out

    def found_in(self, text: str) -> bool:
        """Whether a key of some literal occurs in `text` (one fast scan per level; the literal itself may not)."""
        if len(self._by_key) <= SMALL:
            return any(key in text for key in self._by_key)
        return any(pattern.search(text) for pattern in self._patterns(False))

    def occurrences(self, text: str) -> Iterator[tuple[int, str]]:
        """(position, literal) for every literal found whole in `text`, overlapping ones included, longest first at a position."""
        if len(self._by_key) <= SMALL:
            for key, words in self._by_key.items():
                at = text.find(key)
                while at != -1:
                    word = next((w for w in words if text.startswith(w, at)), None)
                    if word is not None:
                        yield at, word  # a shorter literal matching here has its own key, found in its own turn
                    at = text.find(key, at + 1)
            return
        if not self.found_in(text):
            return
        for pattern in self._patterns(True):
            for match in pattern.finditer(text):
                at, key = match.start(), match.group(1)
                yield from self._whole_at(text, at, key)

    def _whole_at(self, text: str, at: int, key: str) -> Iterator[tuple[int, str]]:
        """The longest literal starting at `at` whose key is `key` or a shorter key that `key` starts with."""
        for size in range(len(key), 0, -1):
            for word in self._by_key.get(key[:size], ()):
                if text.startswith(word, at):
                    yield at, word
                    return
