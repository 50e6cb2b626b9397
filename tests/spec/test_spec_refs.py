"""`$ref`s lead only to files inside the spec's own folder tree, and never from a spec fetched
by URL: other local files are not read, and nothing of them reaches a report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from interopcheck.spec import load as load_module
from interopcheck.spec.load import load_spec
from interopcheck.spec.refs import FROM_NETWORK, OUTSIDE_FOLDER, UNRESOLVABLE, local_ref, refusal, spec_folder
from interopcheck.spec.validate import validate_spec

CASES_DIR = Path(__file__).resolve().parents[1] / "cases" / "bad-specs"
SENTINEL = "SENTINEL-OUTSIDE-7f3a9c"
PASSWD_MARK = "root:x:0:0"
SECRET = (
    f"X:\n  type: object\n  description: {SENTINEL}\n  properties:\n"
    f"    a: {{type: string, default: {SENTINEL}}}\n"
)
HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"


def spec_with(refs: dict[str, str]) -> str:
    """A minimal description whose schemas are the `$ref`s given, by schema name."""
    return HEAD + "components:\n  schemas:\n" + "".join(f"    {name}: {{$ref: '{ref}'}}\n" for name, ref in refs.items())


@pytest.fixture()
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """(the spec's folder, with a `schemas` subfolder; a sentinel file outside that folder)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.yaml"
    secret.write_text(SECRET, encoding="utf-8")
    spec_dir = tmp_path / "spec"
    (spec_dir / "schemas").mkdir(parents=True)
    return spec_dir, secret


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the spec stage reads (load.py reads local files through `read_file` only)."""
    seen: list[Path] = []
    original = load_module.read_file

    def spy(path: Path, **kw: Any) -> bytes:
        seen.append(Path(path).resolve())
        return original(path, **kw)

    monkeypatch.setattr(load_module, "read_file", spy)
    return seen


#: Ways out of the spec's folder: name -> (make the ref from (spec folder, secret), needs a symlink).
ESCAPES: dict[str, Callable[[Path, Path], str]] = {
    "dot-dot": lambda _d, _s: "../outside/secret.yaml#/X",
    "encoded-dot-dot": lambda _d, _s: "%2E%2E/outside/secret.yaml#/X",
    "deep-dot-dot": lambda _d, s: "../" * 40 + str(s).lstrip("/") + "#/X",
    "absolute-path": lambda _d, s: f"{s}#/X",
    "file-uri": lambda _d, s: f"{s.as_uri()}#/X",
    "file-uri-localhost": lambda _d, s: f"file://localhost{s}#/X",
    "symlinked-file": lambda _d, _s: "schemas/link.yaml#/X",
    "symlinked-folder": lambda _d, _s: "shared/secret.yaml#/X",
}


def _make_links(spec_dir: Path, secret: Path) -> None:
    (spec_dir / "schemas" / "link.yaml").symlink_to(secret)
    (spec_dir / "shared").symlink_to(secret.parent, target_is_directory=True)


@pytest.mark.parametrize("escape", sorted(ESCAPES))
def test_a_ref_out_of_the_spec_folder_is_not_read_and_is_reported(
    escape: str, layout: tuple[Path, Path], reads: list[Path]
) -> None:
    spec_dir, secret = layout
    _make_links(spec_dir, secret)
    spec = spec_dir / "openapi.yaml"
    spec.write_text(spec_with({"S": ESCAPES[escape](spec_dir, secret)}), encoding="utf-8")
    doc = load_spec(str(spec))
    assert doc.externals == {} and doc.remote_refs == ()
    assert reads == [spec.resolve()]
    validation = validate_spec(doc)
    assert not validation.valid
    assert [issue.pointer for issue in validation.errors] == ["/components/schemas/S"]
    assert "unresolvable $ref" in validation.errors[0].message
    assert SENTINEL not in repr(doc) + repr(validation)
    target = load_module.ref_target(doc.base_uri, ESCAPES[escape](spec_dir, secret))
    assert refusal(doc.base_uri, doc.base_uri, target) == OUTSIDE_FOLDER


def test_symlink_escape_case_of_the_manifest(tmp_path: Path) -> None:
    """The `generated` symlink-escape case of tests/cases/bad-specs/cases.yaml (git holds no symlink)."""
    manifest = yaml.safe_load((CASES_DIR / "cases.yaml").read_text(encoding="utf-8"))
    assert manifest["generated"]["symlink-escape/openapi.yaml"]["expect"] == "invalid"
    (tmp_path / "secret.yaml").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "symlink-escape"
    folder.mkdir()
    (folder / "schema.yaml").symlink_to(tmp_path / "secret.yaml")
    (folder / "openapi.yaml").write_text(spec_with({"S": "schema.yaml#/X"}), encoding="utf-8")
    assert not validate_spec(load_spec(str(folder / "openapi.yaml"))).valid


def test_an_escape_in_a_file_beside_the_spec_is_not_read(layout: tuple[Path, Path], reads: list[Path]) -> None:
    spec_dir, secret = layout
    beside = spec_dir / "schemas" / "a.yaml"
    beside.write_text("A:\n  type: object\n  properties:\n    s: {$ref: '../../outside/secret.yaml#/X'}\n", encoding="utf-8")
    spec = spec_dir / "openapi.yaml"
    spec.write_text(spec_with({"A": "schemas/a.yaml#/A"}), encoding="utf-8")
    doc = load_spec(str(spec))
    assert list(doc.externals) == [beside.resolve().as_uri()]
    assert secret.resolve() not in reads
    validation = validate_spec(doc)
    assert f"{beside.resolve().as_uri()}#/A/properties/s" in [issue.pointer for issue in validation.errors]
    assert SENTINEL not in repr(doc) + repr(validation)


def test_refs_inside_the_spec_folder_still_load(layout: tuple[Path, Path]) -> None:
    spec_dir, _ = layout
    common = spec_dir / "schemas" / "common.yaml"
    common.write_text("C: {type: string}\n", encoding="utf-8")
    (spec_dir / "schemas" / "inner-link.yaml").symlink_to(common)
    (spec_dir / "schemas" / "a.yaml").write_text("A: {$ref: '../schemas/common.yaml#/C'}\n", encoding="utf-8")
    refs = {"A": "schemas/a.yaml#/A", "U": f"{common.as_uri()}#/C", "L": "./schemas/inner-link.yaml#/C"}
    spec = spec_dir / "openapi.yaml"
    spec.write_text(spec_with(refs), encoding="utf-8")
    doc = load_spec(str(spec))
    assert len(doc.externals) == 3  # a.yaml, common.yaml, and the link (by its own URI)
    assert validate_spec(doc).valid


def test_a_spec_by_url_never_reads_local_files(spec_server: Any, layout: tuple[Path, Path], reads: list[Path]) -> None:
    _, secret = layout
    file_ref = f"{secret.as_uri()}#/X"
    up = "../../outside/secret.yaml#/X"  # relative to a URL: a remote document, never a local file
    spec_server.routes["/api.yaml"] = spec_with({"F": file_ref, "R": "schemas.yaml#/S", "T": up}).encode()
    spec_server.routes["/schemas.yaml"] = f"S: {{$ref: '{file_ref}'}}\n".encode()
    doc = load_spec(f"{spec_server.url}/api.yaml")
    assert doc.externals == {} and reads == []
    assert sorted(doc.remote_refs) == [("/components/schemas/R", "schemas.yaml#/S"), ("/components/schemas/T", up)]
    validation = validate_spec(doc)
    assert [issue.pointer for issue in validation.errors] == ["/components/schemas/F"]
    assert SENTINEL not in repr(doc) + repr(validation)

    spec_server.routes["/api2.yaml"] = spec_with({"F": file_ref, "R": "schemas.yaml#/S"}).encode()
    doc = load_spec(f"{spec_server.url}/api2.yaml", allow_remote_refs=True)
    assert reads == [] and list(doc.externals) == [f"{spec_server.url}/schemas.yaml"]
    assert spec_server.hits == ["/api.yaml", "/api2.yaml", "/schemas.yaml"]
    assert refusal(doc.base_uri, f"{spec_server.url}/schemas.yaml", secret.as_uri()) == FROM_NETWORK
    validation = validate_spec(doc)
    assert f"{spec_server.url}/schemas.yaml#/S" in [issue.pointer for issue in validation.errors]
    assert SENTINEL not in repr(doc) + repr(validation)


def _cli(spec: str, out: Path) -> tuple[int, str]:
    """Run `interopcheck check` on `spec` with every report format; (exit code, all it wrote and printed)."""
    proc = subprocess.run(
        [sys.executable, "-m", "interopcheck", "check", "--spec", spec, "--output-dir", str(out),
         "--format", "json,md,html,junit,sarif"],
        capture_output=True, text=True, timeout=120, cwd=out.parent, env={**os.environ},
    )
    files = sorted(out.iterdir()) if out.is_dir() else []
    written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file())
    return proc.returncode, proc.stdout + proc.stderr + written


@pytest.mark.timeout(240)
def test_no_report_holds_the_content_of_a_file_outside_the_spec_folder(
    spec_server: Any, layout: tuple[Path, Path]
) -> None:
    spec_dir, secret = layout
    _make_links(spec_dir, secret)
    (spec_dir / "schemas" / "a.yaml").write_text("A: {$ref: '../../outside/secret.yaml#/X'}\n", encoding="utf-8")
    refs = {name: make(spec_dir, secret) for name, make in ESCAPES.items()}
    refs |= {"passwd": "file:///etc/passwd", "nested": "schemas/a.yaml#/A"}
    text = spec_with({name.replace("-", "_"): ref for name, ref in refs.items()})
    (spec_dir / "openapi.yaml").write_text(text, encoding="utf-8")
    spec_server.routes["/api.yaml"] = spec_with({"F": f"{secret.as_uri()}#/X", "P": "file:///etc/passwd"}).encode()
    for source, name in ((str(spec_dir / "openapi.yaml"), "local"), (f"{spec_server.url}/api.yaml", "url")):
        out = spec_dir.parent / f"reports-{name}"
        code, everything = _cli(source, out)
        assert code == 1, everything[-2000:]
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        outcome = next(o for o in report["outcomes"] if o["requirement_id"] == "HSG-API-02")
        assert outcome["status"] == "fail"
        messages = [f["message"] for c in outcome["checks"] for f in c["findings"]]
        assert messages and all("unresolvable $ref" in m for m in messages), messages
        assert SENTINEL not in everything and PASSWD_MARK not in everything


def test_local_ref_rules(tmp_path: Path) -> None:
    folder = spec_folder((tmp_path / "api.yaml").as_uri())
    assert folder == tmp_path.resolve()
    referrer = (tmp_path / "api.yaml").as_uri()
    inside = (tmp_path / "sub" / "x.yaml").as_uri()
    assert local_ref(inside, referrer, folder).path == (tmp_path / "sub" / "x.yaml").resolve()
    assert local_ref("file:///etc/passwd", referrer, folder).refused == OUTSIDE_FOLDER
    assert local_ref(f"file://fileserver{tmp_path}/x.yaml", referrer, folder).refused == UNRESOLVABLE
    assert local_ref(f"{inside}%00", referrer, folder).refused == UNRESOLVABLE
    (tmp_path / "loop-a").symlink_to(tmp_path / "loop-b")
    (tmp_path / "loop-b").symlink_to(tmp_path / "loop-a")
    assert local_ref((tmp_path / "loop-a").as_uri(), referrer, folder).refused == UNRESOLVABLE
    assert spec_folder("https://example.test/api.yaml") is None
    assert local_ref(inside, "https://example.test/api.yaml", folder).refused == FROM_NETWORK
    assert local_ref(inside, referrer, None).refused == FROM_NETWORK
    assert refusal(referrer, referrer, "https://example.test/s.json") == ""


def test_the_finding_says_the_ref_points_outside_the_spec_folder(layout: tuple[Path, Path]) -> None:
    spec_dir, _ = layout
    spec = spec_dir / "openapi.yaml"
    spec.write_text(spec_with({"S": "../outside/secret.yaml#/X"}), encoding="utf-8")
    (issue,) = validate_spec(load_spec(str(spec))).errors
    assert issue.pointer == "/components/schemas/S" and OUTSIDE_FOLDER in issue.message


@pytest.mark.parametrize("ref", ["http://[oops/x.json#/X", "https://[::1/x.yaml"])
def test_a_ref_that_is_no_uri_is_an_unresolvable_ref_not_a_crash(tmp_path: Path, ref: str) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(spec_with({"X": ref}), encoding="utf-8")
    validation = validate_spec(load_spec(str(path)))
    assert not validation.valid
    assert any("unresolvable $ref" in e.message and e.pointer == "/components/schemas/X" for e in validation.errors), [e.message for e in validation.errors]
