"""YAML read safely: libyaml's safe loader, duplicate keys refused, alias bombs and deep nesting refused before construction.

Split from `load.py`, which decides JSON or YAML and reads files and URLs; everything here turns
a text into data or a one-line `SpecReadError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from interopcheck.errors import InputError, SpecReadError

MAX_DEPTH = 500  # nesting refused beyond this (orjson itself stops at 1024)
ALIAS_EXPANSION_FLOOR = 1_000_000  # expanded YAML nodes always allowed
ALIAS_EXPANSION_FACTOR = 20  # beyond the floor: expanded nodes per node written
MAX_INT_DIGITS = 4_300  # Python's own limit on converting text to int (sys.get_int_max_str_digits)


class BoundedSafeLoader(yaml.CSafeLoader):  # type: ignore[misc]
    """libyaml's safe loader whose integers are bounded: a text longer than Python converts (4,300
    digits) is refused, and so is a long sexagesimal `1:2:3:...`, which would cost quadratic time.
    Every YAML input (specs, profiles, overlays, declarations) is read with it."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """The integer of `node`, or a ConstructorError (so callers report it as invalid YAML at its line)."""
        digits = len(str(node.value))
        if digits > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None, None, f"an integer of {digits:,} digits (more than {MAX_INT_DIGITS:,}; quote it as a string)", node.start_mark
            )
        return int(super().construct_yaml_int(node))


BoundedSafeLoader.add_constructor("tag:yaml.org,2002:int", BoundedSafeLoader.construct_yaml_int)


class _SpecLoader(BoundedSafeLoader):
    """libyaml's safe loader that refuses duplicate keys, keeps timestamps as text and
    makes every key a string (YAML's `200:` is the int 200; OpenAPI means "200")."""

    label = ""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        """The mapping of `node`, refused when a key repeats (a merge `<<` may override)."""
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                raise SpecReadError(
                    f"{self.label}: duplicate key {key_node.value!r} at line {line} "
                    f"(first at line {seen[key_node.value]}): ambiguous document",
                    hint="keep one of the two",
                )
            seen[key_node.value] = line
        self.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
            else:
                raise SpecReadError(
                    f"{self.label}: a complex (non-scalar) key at line {key_node.start_mark.line + 1}",
                    hint="OpenAPI keys are strings",
                )
            out[key] = self.construct_object(value_node, deep=deep)
        return out



_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _SpecLoader.construct_yaml_str)


def parse_yaml(text: str, label: str) -> tuple[Any, yaml.Node]:
    """(data, composed node tree) of YAML `text`, refusing what `_SpecLoader` and the expansion checks refuse."""
    loader = _SpecLoader(text)
    loader.label = label
    try:
        node = loader.get_single_node()
        if node is None:
            raise SpecReadError(f"{label}: the file holds no YAML document", hint="give the OpenAPI document itself")
        _check_expansion(node, label)
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}" if mark is not None else ""
        what = ", ".join(part for part in (err.context, err.problem) if part) or "unreadable"
        raise SpecReadError(f"{label}: invalid YAML{where}: {what}", hint="fix the syntax there") from None
    except yaml.YAMLError as err:
        raise SpecReadError(f"{label}: invalid YAML: {str(err).splitlines()[0]}", hint="fix the syntax") from None
    finally:
        loader.dispose()


def _node_children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            yield key_node
            yield value_node
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def check_expansion(root: yaml.Node, label: str, error: type[InputError] = SpecReadError) -> None:
    """Refuse (as `error`, naming `label`) a composed YAML tree nested beyond MAX_DEPTH or whose aliases
    expand beyond what its size allows: the guard every YAML input passes before it is constructed."""
    try:
        _check_expansion(root, label)
    except SpecReadError as err:
        if error is SpecReadError:
            raise
        raise error(err.message, hint=err.hint) from None


def _check_expansion(root: yaml.Node, label: str) -> None:
    """Refuse nesting beyond MAX_DEPTH; when a collection node is shared (an alias), measure
    what the aliases expand to (`_check_aliases`). Scalars are skipped: an alias to a
    scalar cannot expand."""
    seen: set[int] = set()
    shared = False
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, level = pop()
        if level > MAX_DEPTH:
            raise SpecReadError(
                f"{label}: nested more than {MAX_DEPTH} levels deep",
                hint="flatten the document with $ref components",
            )
        if id(node) in seen:
            shared = True
            continue
        seen.add(id(node))
        if node.__class__ is yaml.MappingNode:
            for key_node, value_node in node.value:
                if key_node.__class__ is not yaml.ScalarNode:
                    push((key_node, level + 1))
                if value_node.__class__ is not yaml.ScalarNode:
                    push((value_node, level + 1))
        elif node.__class__ is yaml.SequenceNode:
            for item in node.value:
                if item.__class__ is not yaml.ScalarNode:
                    push((item, level + 1))
    if shared:
        _check_aliases(root, label)


def _check_aliases(root: yaml.Node, label: str) -> None:
    """Refuse recursive aliases, alias bombs and nesting beyond MAX_DEPTH, before constructing.

    Aliases share nodes, so sizes are memoised per node: the walk is linear in the nodes
    written while it measures the nodes the document expands to.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    state: dict[int, int] = {}  # 1: on the current path, 2: measured
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        nid = id(node)
        if leaving:
            kids = [id(k) for k in _node_children(node)]
            size[nid] = 1 + sum(size[k] for k in kids)
            height[nid] = 1 + max((height[k] for k in kids), default=0)
            state[nid] = 2
            if height[nid] > MAX_DEPTH:
                raise SpecReadError(
                    f"{label}: nested more than {MAX_DEPTH} levels deep",
                    hint="flatten the document with $ref components",
                )
            limit = max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_FACTOR * len(state))
            if size[nid] > limit:
                raise SpecReadError(
                    f"{label}: YAML aliases expand beyond {limit:,} nodes, an alias bomb",
                    hint="write the repeated parts out or use $ref",
                )
            continue
        if state.get(nid) == 2:
            continue
        if state.get(nid) == 1:
            raise SpecReadError(
                f"{label}: a YAML alias refers to itself (line {node.start_mark.line + 1})",
                hint="remove the recursive alias",
            )
        state[nid] = 1
        stack.append((node, True))
        stack += [(kid, False) for kid in _node_children(node) if state.get(id(kid)) != 2]
