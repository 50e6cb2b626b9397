"""Through the CLI: a bad transform name or a value map target outside the code list ends the run with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from interopcheck.standards import load_standards

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "cases" / "static" / "spec.info-complete" / "pass" / "complete.yaml"
HEAD = """declaration_version: "1.0"
profile: housing
supplier: {name: Maps Ltd, product: Maps 1}
entities:
"""


def coded_field() -> tuple[str, str, tuple[object, ...]]:
    """An entity, field and code list of the bundled standards, read now (the lists change under other hands)."""
    standards = load_standards()
    for entity in standards.entities:
        for pointer, spec in standards.fields(entity).items():
            if spec.enum and pointer.count("/") == 1:
                return entity, pointer, tuple(spec.enum)
    pytest.skip("the bundled standards have no coded top-level field")


def run_check(tmp_path: Path, body: str) -> tuple[int, str, Path]:
    decl = tmp_path / "decl.yaml"
    decl.write_text(HEAD + body, encoding="utf-8")
    out = tmp_path / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "interopcheck", "check", "--spec", str(SPEC), "--declaration", str(decl), "--output-dir", str(out), "--format", "json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode == 2:
        assert not out.exists() or not any(out.iterdir()), "a refused declaration writes no report"
    return proc.returncode, proc.stderr.rstrip().splitlines()[-1], decl


def test_unknown_transform_exits_2_with_did_you_mean(tmp_path: Path) -> None:
    code, last, decl = run_check(tmp_path, "  property:\n    collection: listProperties\n    fields:\n      /built_date: {from: /built, transform: dat}\n")
    assert code == 2
    assert last.startswith("interopcheck: error: ") and f"{decl.name}:8: /built_date: unknown transform 'dat'; did you mean 'date'" in last


def test_value_map_target_outside_the_code_list_exits_2(tmp_path: Path) -> None:
    entity, pointer, codes = coded_field()
    good = codes[0]
    body = f"  {entity}:\n    collection: list\n    mapping: identity\n    fields:\n      {pointer}:\n        from: {pointer}\n        values:\n"
    body += f"          A: {good!r}\n          B: not-a-code-at-all\n".replace("'", '"')
    code, last, decl = run_check(tmp_path, body)
    assert code == 2, last
    assert f"{decl.name}:13: {entity} {pointer}: the value map sends 'B' to 'not-a-code-at-all', which is not a code of the field's code list" in last


def test_a_valid_map_runs(tmp_path: Path) -> None:
    entity, pointer, codes = coded_field()
    body = f"  {entity}:\n    collection: list\n    mapping: identity\n    fields:\n      {pointer}: {{from: {pointer}, values: {{A: {codes[0]!r}}}}}\n".replace("'", '"')
    code, last, _ = run_check(tmp_path, body)
    assert code in (1, 3), last  # the run goes on; requirements decide
