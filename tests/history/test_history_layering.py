"""The history sits below engine and report: it imports only the model, the errors and itself (and never prints)."""

from __future__ import annotations

import ast
from pathlib import Path

HISTORY = Path(__file__).resolve().parents[2] / "src" / "interopcheck" / "history"
ALLOWED = ("interopcheck.history", "interopcheck.model", "interopcheck.errors")


def test_history_imports_nothing_above_it_and_never_prints() -> None:
    for path in sorted(HISTORY.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("interopcheck"):
                assert node.module.startswith(ALLOWED), f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("interopcheck") and not a.name.startswith(ALLOWED) for a in node.names), path.name
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{path.name} prints"
