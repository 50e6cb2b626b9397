"""Read a YAML file and validate it against a JSON Schema, with file, line and a fix in every error.

Shared by profiles, overlays and supplier declarations: PyYAML's composed node tree gives the
line of the node a schema error points at, which `safe_load` alone would lose.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from interopcheck.errors import InputError
from interopcheck.spec.files import read_regular_file
from interopcheck.spec.yaml_safe import BoundedSafeLoader, check_expansion

MAX_YAML_BYTES = 10_000_000  # profiles, overlays and declarations are kilobytes

_Loader = BoundedSafeLoader  # libyaml's safe loader, integers bounded (a long one is invalid YAML, not a hang)


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file: its data, its node tree (for lines) and the sha256 of its bytes."""

    path: Path
    data: Any
    node: yaml.Node | None
    sha256: str
    raw: bytes = field(default=b"", repr=False, compare=False)  # the bytes read, as they were hashed

    def line_of(self, path: Sequence[str | int]) -> int:
        """The 1-based line of the node at `path` (keys and indexes), or of its nearest parent.

        An empty file (no node at all) is reported at line 1.
        """
        node = self.node
        line = node.start_mark.line + 1 if node is not None else 1
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node, line = child, child.start_mark.line + 1
        return line

    def pointer_lines(self) -> dict[str, int]:
        """Every node's JSON pointer -> 1-based line (a mapping entry at the line of its key)."""
        out: dict[str, int] = {}
        stack: list[tuple[str, yaml.Node, int]] = [("", self.node, 1)] if self.node is not None else []
        while stack:
            pointer, node, line = stack.pop()
            out[pointer] = line
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    token = str(key.value).replace("~", "~0").replace("/", "~1")
                    stack.append((f"{pointer}/{token}", value, key.start_mark.line + 1))
            elif isinstance(node, yaml.SequenceNode):
                for i, item in enumerate(node.value):
                    stack.append((f"{pointer}/{i}", item, item.start_mark.line + 1))
        return out


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    """The child of a mapping or sequence node at key or index `part`, or None."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def read_yaml(path: Path, error: type[InputError], *, max_bytes: int = MAX_YAML_BYTES) -> YamlDoc:
    """Read and parse `path`; a missing file or invalid YAML raises `error` naming file and line.

    Only a regular file is read (`spec.files`), and its tree is composed once and passes the spec
    stage's alias-bomb and depth guard (`spec.yaml_safe.check_expansion`) before it is constructed.
    """
    raw = read_regular_file(path, max_bytes=max_bytes, label=str(path), error=error, max_hint="a YAML input of this kind is far smaller")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text", hint="save the file as UTF-8") from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_expansion(node, str(path), error)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(
            f"{where}: invalid YAML: {problem}",
            hint="check the indentation and quoting on that line (quote values containing ': ' or '#')",
        ) from exc
    finally:
        loader.dispose()
    duplicate = _duplicate_key(node)
    if duplicate is not None:
        key, line, first = duplicate
        raise error(f"{path}:{line}: invalid YAML: key {key!r} appears twice in one mapping (first at line {first})", hint="merge the two entries into one")
    return YamlDoc(path, data, node, hashlib.sha256(raw).hexdigest(), raw)


def _duplicate_key(node: yaml.Node | None) -> tuple[str, int, int] | None:
    """The first key repeated within one mapping (PyYAML silently keeps the last), with both lines."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        return key.value, key.start_mark.line + 1, seen[key.value]
                    seen[key.value] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


@lru_cache(maxsize=8)
def schema_validator(schema_path: str) -> Draft202012Validator:
    """A compiled validator for the JSON Schema at `schema_path` (format checks on)."""
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate_doc(doc: YamlDoc, schema_path: Path, error: type[InputError], what: str) -> None:
    """Raise `error` for the first schema violation of `doc`: file, line, JSON pointer and the fix."""
    validator = schema_validator(str(schema_path))
    if not isinstance(doc.data, dict):
        found = "is empty" if doc.data is None else "holds a list" if isinstance(doc.data, list) else "holds a single value"
        raise error(
            f"{doc.path}:{doc.line_of(())}: a {what} must be a YAML mapping at the top level; this file {found}",
            hint=_top_level_hint(validator.schema),
        )
    errors = sorted(validator.iter_errors(doc.data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return
    first = _most_specific(errors[0])
    location = list(first.absolute_path)
    pointer = "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in location) if location else "/"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    raise error(
        f"{doc.path}:{doc.line_of(location)}: {what} invalid at {pointer}: {_message(first)}{more}",
        hint=fix_for(first),
    )


def _top_level_hint(schema: dict[str, Any]) -> str:
    """The fix for a file that is not a mapping: start it with the schema's own required keys."""
    keys = [k for k in schema.get("required") or () if isinstance(k, str)] or sorted(schema.get("properties") or {})[:2]
    if not keys:
        return "write the file as a YAML mapping of keys to values"
    named = [f"'{k}:'" for k in keys]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"start the file with keys such as {listed}"


def _most_specific(err: ValidationError) -> ValidationError:
    """The deepest sub-error of an anyOf/oneOf failure, which names the real problem."""
    # oneOf/anyOf failures carry the real reason in their deepest sub-error
    while err.context:
        err = max(err.context, key=lambda e: len(e.absolute_path))
    return err


def _message(err: ValidationError) -> str:
    """The validator message, reworded where jsonschema is obscure."""
    if err.validator == "additionalProperties":
        return err.message.replace("Additional properties are not allowed", "unknown key")
    return err.message


def fix_for(err: ValidationError) -> str:
    """A one-line suggestion that fixes the schema violation `err`."""
    kind, value = err.validator, err.validator_value
    if kind == "required":
        missing = [name for name in value if isinstance(err.instance, dict) and name not in err.instance]
        return f"add the field {missing[0]!r}" if missing else "add the missing field"
    if kind == "enum":
        return "use one of: " + ", ".join(map(str, value))
    if kind == "const":
        return f"use {value!r}"
    if kind == "type" and isinstance(err.instance, (datetime.date, datetime.datetime)):
        return 'write the date in quotes, e.g. "2026-11-01"'
    if kind == "type":
        return f"make this a {value if isinstance(value, str) else ' or '.join(value)}"
    if kind == "pattern":
        return f"the value must match the pattern {value}"
    if kind == "additionalProperties":
        allowed = sorted((err.schema.get("properties") or {}).keys())
        return "remove the key or fix its spelling" + (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
    if kind in ("minItems", "minLength", "minProperties"):
        return "this must not be empty"
    if kind == "uniqueItems":
        return "remove the repeated entry"
    if kind == "propertyNames":
        return "rename the key to a valid name"
    if kind == "format":
        return f"write the value in {value} format"
    return "correct the value to match the schema"
