"""Hostile input files (issue 19, items 3, 4, 7, 9, 11, 12, 15, 20): every case ends in a defined exit code
(never 4), within a time and memory limit, with one clear line when the input is bad.

Each runs the CLI in a subprocess under `limits.run_limited`, so a hang or a memory blow-up fails the test
instead of the machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from limits import Limited, run_limited

from interopcheck.report import samples
from interopcheck.report.bundle import MANIFEST, REPORT, SIGNATURE, bundle_entries, canonical_zip, write_bundle
from interopcheck.report.json_report import render, to_dict

SANDBOX = Path(__file__).parents[2] / "src" / "interopcheck" / "sandbox"
DECLARATION = SANDBOX / "declaration.yaml"

MINIMAL_YAML = """\
openapi: 3.0.3
info: {title: t, version: "1.0.0"}
paths:
  /p:
    get:
      responses:
        "200": {description: ok}
"""


def minimal(**extra: Any) -> dict[str, Any]:
    """A small valid OpenAPI 3.0 description, with `extra` top-level keys."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": {"/p": {"get": {"responses": {"200": {"description": "ok"}}}}},
        **extra,
    }


def check(tmp_path: Path, *args: str, timeout_s: float = 60, memory_bytes: int | None = None) -> Limited:
    """`interopcheck check ARGS --output-dir tmp/out -q` under the suite's limits."""
    limits: dict[str, Any] = {"timeout_s": timeout_s}
    if memory_bytes is not None:
        limits["memory_bytes"] = memory_bytes
    return run_limited(["check", *args, "--output-dir", str(tmp_path / "out"), "-q"], tmp_path, **limits)


def one_line_error(result: Limited) -> str:
    """The run was refused as bad input with exactly one line on stderr; that line."""
    result.assert_handled()
    assert result.code == 2, (result.code, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    return lines[0]


# --- item 3: FIFOs and devices are never opened for reading ---------------------------------------


def test_ref_from_a_second_file_to_a_fifo_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "spec.json").write_text(json.dumps(minimal(paths={"/a": {"$ref": "b.json"}})))
    op = {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "fifo.json"}}}}}}}
    (tmp_path / "b.json").write_text(json.dumps(op))
    os.mkfifo(tmp_path / "fifo.json")
    result = check(tmp_path, "--spec", "spec.json", timeout_s=45)
    result.assert_handled()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    valid = next(c for o in report["outcomes"] for c in o["checks"] if c["check_id"] == "spec.valid-openapi")
    assert "fifo.json" in json.dumps(valid["findings"])  # reported as an unresolvable $ref


@pytest.mark.parametrize("option", ["--spec", "--declaration"])
def test_a_fifo_given_as_input_is_refused(tmp_path: Path, option: str) -> None:
    os.mkfifo(tmp_path / "input.yaml")
    (tmp_path / "spec.yaml").write_text(MINIMAL_YAML)
    args = ["--spec", "input.yaml"] if option == "--spec" else ["--spec", "spec.yaml", "--declaration", "input.yaml"]
    line = one_line_error(check(tmp_path, *args, timeout_s=30))
    assert "input.yaml" in line and "not a regular file" in line


@pytest.mark.parametrize("option", ["--spec", "--declaration"])
def test_dev_zero_is_refused_in_one_line(tmp_path: Path, option: str) -> None:
    (tmp_path / "spec.yaml").write_text(MINIMAL_YAML)
    args = ["--spec", "/dev/zero"] if option == "--spec" else ["--spec", "spec.yaml", "--declaration", "/dev/zero"]
    line = one_line_error(check(tmp_path, *args, timeout_s=30))
    assert "/dev/zero" in line and "not a regular file" in line


@pytest.mark.parametrize("command", ["render", "compare", "verify-key"])
def test_a_fifo_given_to_the_report_commands_is_refused(tmp_path: Path, command: str) -> None:
    os.mkfifo(tmp_path / "fifo.json")
    _bundle_with(tmp_path, render(to_dict(samples.conformant_report())).encode())
    args = {
        "render": ["report", "render", "fifo.json", "--format", "md"],
        "compare": ["compare", "fifo.json"],
        "verify-key": ["verify", "bundle.zip", "--public-key", "fifo.json"],
    }[command]
    line = one_line_error(run_limited(args, tmp_path, timeout_s=30))
    assert "fifo.json" in line and "not a regular file" in line


# --- item 9: exit 4 on odd but readable inputs ------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        "x-blob: !!binary aGVsbG8gd29ybGQ=\n",
        "x-set: !!set {a, b}\n",
        "x-big: 18446744073709551616\n",
        "x-negative-big: -18446744073709551617\n",
    ],
    ids=["binary", "set", "int-2^64", "int-below-minus-2^64"],
)
def test_odd_yaml_values_with_bundle_are_not_internal_errors(tmp_path: Path, extra: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MINIMAL_YAML + extra)
    result = check(tmp_path, "--spec", "spec.yaml", "--bundle")
    result.assert_handled()
    with zipfile.ZipFile(tmp_path / "out" / "evidence-bundle.zip") as archive:
        assert archive.read("spec.yaml") == spec.read_bytes()


@pytest.mark.parametrize("depth", [255, 300, 499])
def test_deep_nesting_with_bundle_is_not_an_internal_error(tmp_path: Path, depth: int) -> None:
    text = json.dumps(minimal())[:-1] + ', "x-deep": ' + "[" * depth + "]" * depth + "}"
    (tmp_path / "spec.json").write_text(text)
    result = check(tmp_path, "--spec", "spec.json", "--bundle")
    result.assert_handled()
    with zipfile.ZipFile(tmp_path / "out" / "evidence-bundle.zip") as archive:
        assert archive.read("spec.json") == text.encode()


def test_yaml_integer_of_5000_digits_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(MINIMAL_YAML + "x-huge: " + "7" * 5000 + "\n")
    line = one_line_error(check(tmp_path, "--spec", "spec.yaml"))
    assert "spec.yaml" in line and "digits" in line


@pytest.mark.parametrize("option", ["--spec", "--declaration"])
def test_a_long_sexagesimal_integer_is_refused_not_computed(tmp_path: Path, option: str) -> None:
    # YAML 1.1 reads 1:59:59 as a base-60 integer; 500,000 parts would take hours of bignum arithmetic.
    value = "1" + ":59" * 500_000
    (tmp_path / "spec.yaml").write_text(MINIMAL_YAML + (f"x-sexagesimal: {value}\n" if option == "--spec" else ""))
    (tmp_path / "declaration.yaml").write_text(f"declaration_version: {value}\n")
    args = ["--spec", "spec.yaml"] + (["--declaration", "declaration.yaml"] if option == "--declaration" else [])
    line = one_line_error(check(tmp_path, *args, timeout_s=60))
    assert "digits" in line and ("spec.yaml" if option == "--spec" else "declaration.yaml") in line


def _deep_json(depth: int = 100_000) -> bytes:
    return b'{"schema_version": "1.0", "x": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("command", ["render", "compare"])
def test_deeply_nested_report_is_bad_input(tmp_path: Path, command: str) -> None:
    (tmp_path / "report.json").write_bytes(_deep_json())
    args = ["report", "render", "report.json", "--format", "md"] if command == "render" else ["compare", "report.json", "report.json"]
    line = one_line_error(run_limited(args, tmp_path, timeout_s=60))
    assert "report.json" in line


def _bundle_with(tmp_path: Path, report_bytes: bytes, name: str = "bundle.zip") -> Path:
    members = {REPORT: report_bytes}
    path = tmp_path / name
    path.write_bytes(canonical_zip(bundle_entries(members, None)))
    return path


def test_verify_on_a_deeply_nested_report_fails_cleanly(tmp_path: Path) -> None:
    _bundle_with(tmp_path, _deep_json())
    result = run_limited(["verify", "bundle.zip"], tmp_path, timeout_s=60)
    result.assert_handled()
    assert result.code == 1 and "report.json" in result.stdout


def test_verify_on_a_zip_bomb_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("report.json", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(1280):  # 1.25 GiB of zeros, a MB on disk, more than the run may hold
                member.write(block)
    result = run_limited(["verify", "bomb.zip"], tmp_path, timeout_s=120, memory_bytes=1024**3)
    result.assert_handled()
    assert result.code in (1, 2)


# --- item 11: the declaration's alias bombs ---------------------------------------------------------


def test_declaration_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    (tmp_path / "declaration.yaml").write_text("\n".join(lines) + "\n")
    (tmp_path / "spec.yaml").write_text(MINIMAL_YAML)
    line = one_line_error(check(tmp_path, "--spec", "spec.yaml", "--declaration", "declaration.yaml", timeout_s=60))
    assert "declaration.yaml" in line and "alias" in line


# --- item 4: a long JSON string does not take memory out of proportion --------------------------------


def test_one_long_json_string_stays_in_proportion(tmp_path: Path) -> None:
    # A 45 MB description text; the static checks' findings need lines, so the line finder scans it all.
    body = json.dumps(minimal(info={"title": "t", "version": "1.0.0", "description": "x" * 45_000_000}))
    (tmp_path / "spec.json").write_text(body)
    result = check(tmp_path, "--spec", "spec.json", timeout_s=180, memory_bytes=1536 * 1024**2)
    result.assert_handled()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    evidence = next(c for o in report["outcomes"] for c in o["checks"] if c["check_id"] == "spec.openapi-3")["evidence"]
    assert evidence[0]["location"]["line"] == 1  # found, not given up on (a MemoryError in the finder is swallowed)


# --- item 7: percent-encoded fragments ---------------------------------------------------------------


def test_percent_encoded_ref_resolves(tmp_path: Path) -> None:
    ok = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Property%20Record"}}}}
    spec = minimal(paths={"/p": {"get": {"responses": {"200": ok}}}}, components={"schemas": {"Property Record": {"type": "object"}}})
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    check(tmp_path, "--spec", "spec.json").assert_handled()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    api02 = next(o for o in report["outcomes"] if o["requirement_id"] == "HSG-API-02")
    assert api02["status"] == "pass", api02["reason"]


# --- item 12: the bundle holds the bytes that were checked ------------------------------------------------


@pytest.mark.parametrize("name", ["spec.yaml", "spec.json"])
def test_bundled_spec_is_the_original_bytes(tmp_path: Path, name: str) -> None:
    text = MINIMAL_YAML if name.endswith("yaml") else json.dumps(minimal(), indent=4)
    (tmp_path / name).write_text(text)
    check(tmp_path, "--spec", name, "--bundle").assert_handled()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    with zipfile.ZipFile(tmp_path / "out" / "evidence-bundle.zip") as archive:
        bundled = archive.read(name)
    assert bundled == text.encode()
    assert hashlib.sha256(bundled).hexdigest() == report["run"]["spec_sha256"]


def test_a_declaration_swapped_during_the_run_is_not_bundled(tmp_path: Path) -> None:
    from interopcheck.engine.outputs import write_outputs
    from interopcheck.engine.request import check_request
    from interopcheck.engine.run import run

    declaration = tmp_path / "declaration.yaml"
    declaration.write_bytes(DECLARATION.read_bytes())
    (tmp_path / "spec.yaml").write_text(MINIMAL_YAML)
    kw = {"spec": str(tmp_path / "spec.yaml"), "declaration": str(declaration), "output_dir": tmp_path / "out"}
    request = check_request(_request_kw(kw))
    artifacts = run(request)
    declaration.write_text("swapped: true\n")  # after it was read and checked
    write_outputs(artifacts, tmp_path / "out", ["json"], bundle=True)
    with zipfile.ZipFile(tmp_path / "out" / "evidence-bundle.zip") as archive:
        bundled = archive.read("declaration.yaml")
    assert bundled == DECLARATION.read_bytes()
    assert hashlib.sha256(bundled).hexdigest() == artifacts.report.run.declaration_sha256


def _request_kw(kw: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments `check` gets from click, defaults filled in."""
    from interopcheck.cli import check as check_command

    return {**check_command.make_context("check", ["--spec", kw["spec"]]).params, **kw}


# --- item 15: verify without a key, and re-encoded signatures ------------------------------------------------


def _keypair(folder: Path) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private, public = folder / "key.pem", folder / "key.pub.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def _signed_bundle(tmp_path: Path) -> tuple[Path, Path]:
    private, public = _keypair(tmp_path)
    extra = tmp_path / "spec.yaml"
    extra.write_text(MINIMAL_YAML)
    path = write_bundle(tmp_path / "bundle.zip", to_dict(samples.conformant_report()), {"spec.yaml": extra}, private)
    return path, public


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_verify_without_a_key_says_the_signature_was_not_checked(tmp_path: Path) -> None:
    path, _ = _signed_bundle(tmp_path)
    members = _members(path)
    signature = members.pop(SIGNATURE)
    members.pop(MANIFEST)
    members["spec.yaml"] = b"openapi: 3.0.3\n# edited after signing\n"
    path.write_bytes(canonical_zip(bundle_entries(members, signature)))  # the old signature kept
    result = run_limited(["verify", "bundle.zip"], tmp_path, timeout_s=60)
    result.assert_handled()
    assert result.code == 0
    assert "signature not checked" in result.stdout
    assert " signed" not in result.stdout.replace("signature not checked", "")


@pytest.mark.parametrize(
    "reencode",
    [
        lambda sig: sig.strip() + b"\r\n",
        lambda sig: b"  " + sig,
        lambda sig: sig.strip(),
        lambda sig: base64.b64encode(base64.b64decode(sig)) + b"\n\n",
    ],
    ids=["crlf", "leading-space", "no-newline", "extra-newline"],
)
def test_a_re_encoded_signature_is_refused(tmp_path: Path, reencode: Any) -> None:
    path, public = _signed_bundle(tmp_path)
    members = _members(path)
    signature = members.pop(SIGNATURE)
    members.pop(MANIFEST)
    path.write_bytes(canonical_zip(bundle_entries(members, reencode(signature))))
    result = run_limited(["verify", "bundle.zip", "--public-key", str(public)], tmp_path, timeout_s=60)
    result.assert_handled()
    assert result.code == 1 and "manifest.sig" in result.stdout


def test_the_canonical_signature_still_verifies(tmp_path: Path) -> None:
    path, public = _signed_bundle(tmp_path)
    result = run_limited(["verify", "bundle.zip", "--public-key", str(public)], tmp_path, timeout_s=60)
    result.assert_handled()
    assert result.code == 0 and "signature valid" in result.stdout


# --- item 20: the JSON type's own name ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [("null", "null"), ("42", "number"), ("true", "boolean"), ("[1]", "list")])
def test_top_level_type_is_named_as_json_names_it(tmp_path: Path, text: str, kind: str) -> None:
    (tmp_path / "spec.json").write_text(text)
    line = one_line_error(check(tmp_path, "--spec", "spec.json"))
    assert f"the top level is a {kind}," in line or f"the top level is {kind}," in line
    assert "NoneType" not in line and "int" not in line.split("top level")[1]

