"""The network rules sit below spec and live; the live client and its responses no longer import each other."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "interopcheck"


def _imports(path: Path) -> set[str]:
    """Every interopcheck module `path` imports, TYPE_CHECKING blocks included."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("interopcheck"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("interopcheck"))
    return out


def test_net_imports_only_itself() -> None:
    for path in sorted((SRC / "net").glob("*.py")):
        assert {m for m in _imports(path) if not m.startswith("interopcheck.net")} == set(), path.name


def test_spec_never_imports_live() -> None:
    for path in sorted((SRC / "spec").glob("*.py")):
        assert not [m for m in _imports(path) if m.startswith("interopcheck.live")], path.name


def test_client_and_response_do_not_import_each_other() -> None:
    assert "interopcheck.live.client" not in _imports(SRC / "live" / "response.py")
    assert "interopcheck.live.client" not in _imports(SRC / "live" / "recorder.py")
