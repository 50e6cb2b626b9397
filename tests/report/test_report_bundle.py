"""Evidence bundle: write, verify, sign; any changed byte, or a report that lies about itself, fails."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from interopcheck.errors import ReportError
from interopcheck.report.bundle import MANIFEST, REPORT, SIGNATURE, bundle_entries, canonical_zip, write_bundle
from interopcheck.report.verify import recompute, verify_bundle


def _keypair(folder: Path, name: str) -> tuple[Path, Path]:
    """A fresh Ed25519 key pair written as PEM files: (private, public)."""
    key = Ed25519PrivateKey.generate()
    private = folder / f"{name}.pem"
    public = folder / f"{name}.pub.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    """The files a run puts in a bundle besides the report."""
    files = {
        "spec.yaml": "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "profile.json": '{"id": "housing", "version": "1.0.0"}\n',
        "declaration.yaml": "declaration_version: '1.0'\nprofile: housing\n",
        "transcript.har": '{"log": {"entries": []}}\n',
    }
    out = {}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        out[name] = tmp_path / name
    return out


def test_bundle_holds_everything_and_verifies(tmp_path: Path, flawed: dict[str, Any], inputs: dict[str, Path]) -> None:
    path = write_bundle(tmp_path / "bundle.zip", flawed, inputs, None)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read(MANIFEST))
    assert names == [REPORT, "declaration.yaml", "profile.json", "spec.yaml", "transcript.har", MANIFEST]
    assert sorted(manifest["files"]) == sorted(n for n in names if n != MANIFEST)
    result = verify_bundle(path)
    assert result.ok, result.problems
    assert (result.signed, result.signature_checked, result.verdict) == (False, False, "not_conformant")


def test_bundle_is_deterministic(tmp_path: Path, good: dict[str, Any], inputs: dict[str, Path]) -> None:
    one = write_bundle(tmp_path / "one.zip", good, inputs).read_bytes()
    two = write_bundle(tmp_path / "two.zip", good, inputs).read_bytes()
    assert one == two


def test_signed_bundle_verifies_with_its_key_only(tmp_path: Path, good: dict[str, Any], inputs: dict[str, Path]) -> None:
    private, public = _keypair(tmp_path, "supplier")
    _, other = _keypair(tmp_path, "impostor")
    path = write_bundle(tmp_path / "bundle.zip", good, inputs, private)
    ok = verify_bundle(path, public)
    assert ok.ok and ok.signed and ok.signature_checked, ok.problems
    wrong = verify_bundle(path, other)
    assert not wrong.ok and any("signature does not match" in p for p in wrong.problems)


def test_public_key_but_unsigned_bundle_fails(tmp_path: Path, good: dict[str, Any], inputs: dict[str, Path]) -> None:
    _, public = _keypair(tmp_path, "supplier")
    result = verify_bundle(write_bundle(tmp_path / "b.zip", good, inputs), public)
    assert not result.ok and any(f"no {SIGNATURE}" in p for p in result.problems)


def test_one_changed_byte_anywhere_fails(tmp_path: Path, good: dict[str, Any], inputs: dict[str, Path]) -> None:
    private, public = _keypair(tmp_path, "supplier")
    original = write_bundle(tmp_path / "bundle.zip", good, inputs, private).read_bytes()
    tampered = tmp_path / "tampered.zip"
    # Every byte of the headers and the end of the zip, and a spread of positions through the members.
    positions = sorted(set(range(0, 200)) | set(range(len(original) - 400, len(original))) | set(range(0, len(original), 37)))
    missed = []
    for pos in positions:
        data = bytearray(original)
        data[pos] ^= 0x01
        tampered.write_bytes(bytes(data))
        if verify_bundle(tampered, public).ok:
            missed.append(pos)
    assert not missed, f"changed bytes at {missed[:10]} went unnoticed"


def test_edited_member_is_named(tmp_path: Path, good: dict[str, Any], inputs: dict[str, Path]) -> None:
    path = write_bundle(tmp_path / "bundle.zip", good, inputs)
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members["spec.yaml"] = members["spec.yaml"].replace(b"3.1.0", b"3.0.0")
    entries = [(n, members[n]) for n in members]  # same order, manifest kept: the hash no longer matches
    path.write_bytes(canonical_zip(entries))
    result = verify_bundle(path)
    assert not result.ok
    assert result.problems == ("spec.yaml does not match its SHA-256 in the manifest (changed after the bundle was made)",)


def test_report_that_disagrees_with_its_outcomes_fails(tmp_path: Path, flawed: dict[str, Any], inputs: dict[str, Path]) -> None:
    flawed["verdict"] = "conformant"  # a supplier edits the verdict and rebuilds the manifest honestly
    path = write_bundle(tmp_path / "bundle.zip", flawed, inputs)
    result = verify_bundle(path)
    assert not result.ok
    assert any("verdict 'conformant' but its outcomes give 'not_conformant'" in p for p in result.problems)


def test_recompute_checks_counts_and_score(good: dict[str, Any]) -> None:
    assert recompute(good) == []
    good["counts"]["musts_failed"] = 1
    good["score"]["value"] = 12.0
    problems = recompute(good)
    assert len(problems) == 2 and "counts" in problems[0] and "score 12.0" in problems[1]


def test_not_a_zip_and_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    result = verify_bundle(junk)
    assert not result.ok and result.problems[0].startswith("not a readable zip")
    with pytest.raises(ReportError, match="no evidence bundle"):
        verify_bundle(tmp_path / "absent.zip")


def test_bad_keys_are_report_errors(tmp_path: Path, good: dict[str, Any], inputs: dict[str, Path]) -> None:
    not_key = tmp_path / "key.pem"
    not_key.write_text("hello", encoding="utf-8")
    with pytest.raises(ReportError, match="not an unencrypted PEM private key"):
        write_bundle(tmp_path / "b.zip", good, inputs, not_key)
    assert not (tmp_path / "b.zip").exists()
    with pytest.raises(ReportError, match="not a PEM public key"):
        verify_bundle(write_bundle(tmp_path / "b.zip", good, inputs), not_key)


def test_unsafe_member_names_are_refused(tmp_path: Path, good: dict[str, Any], inputs: dict[str, Path]) -> None:
    for name in ("../evil", "manifest.json", "report.json", "/abs"):
        with pytest.raises(ReportError, match="reserved or unsafe"):
            write_bundle(tmp_path / "b.zip", good, {name: inputs["spec.yaml"]})


def test_entries_order(good: dict[str, Any]) -> None:
    entries = bundle_entries({REPORT: b"{}", "b": b"1", "a": b"2"}, b"sig")
    assert [n for n, _ in entries] == [REPORT, "a", "b", MANIFEST, SIGNATURE]


def test_a_bundle_is_deflated(tmp_path: Path, flawed: dict[str, Any], inputs: dict[str, Path]) -> None:
    """Members are deflated (a transcript of JSON bodies shrinks several times), and the bundle still verifies."""
    inputs["transcript.har"].write_text('{"log": {"entries": [' + ", ".join(['{"a": "b"}'] * 20000) + "]}}\n", encoding="utf-8")
    path = write_bundle(tmp_path / "bundle.zip", flawed, inputs, None)
    with zipfile.ZipFile(path) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert path.stat().st_size * 5 < sum(p.stat().st_size for p in inputs.values())
    assert verify_bundle(path).ok


def test_compressed_members_are_inflated_only_up_to_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A member that inflates past the cap (a zip bomb) is named and reading stops; neither it nor the members
    after it (not read) are called missing too."""
    from interopcheck.report import verify

    monkeypatch.setattr(verify, "MAX_BUNDLE_BYTES", 4 << 20)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.json", b"\0" * (8 << 20))
        archive.writestr("manifest.json", b"{}")
    result = verify_bundle(path)
    assert not result.ok
    assert result.problems == (
        "member report.json inflates past 4 MB, more than a bundle holds (a zip bomb?); reading stopped there",
    )


def test_other_compression_methods_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_BZIP2) as archive:
        archive.writestr("report.json", b"{}")
    result = verify_bundle(path)
    assert result.problems[0] == "member report.json is compressed with method 12; a bundle's members are stored or deflated, so it was not read"
