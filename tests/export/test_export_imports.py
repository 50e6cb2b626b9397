"""The export modules import each other downward only: no cycle, lazy (in-function) imports included.

`export.runner` and `export.background` (and `export.jobcheck`) used to import each other; the runner
now reaches the background work through `export.runstate`, below both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import interopcheck.export

PACKAGE = Path(interopcheck.export.__file__).parent


def imports() -> dict[str, set[str]]:
    """Each export module's imports of other export modules, wherever in the module they are."""
    out: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("interopcheck.export."):
                    found.add(node.module.split(".")[2])
                elif node.module == "interopcheck.export":
                    found |= {alias.name for alias in node.names}
        out[path.stem] = found - {path.stem}
    return out


def test_no_export_module_imports_one_that_imports_it_back() -> None:
    graph = imports()
    cycles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for dep in graph.get(node, ()):
                if dep == start:
                    cycles.append(" -> ".join([*path, dep]))
                elif dep not in seen:
                    seen.add(dep)
                    stack.append((dep, [*path, dep]))
    assert cycles == []


def test_the_runner_does_not_import_the_background_work() -> None:
    graph = imports()
    assert "background" not in graph["runner"] and "jobcheck" not in graph["runner"]
    assert "runner" not in graph["runstate"] and "background" not in graph["runstate"]
