"""Evidence bundle: one zip of the report, the spec, the resolved profile, the declaration and
transcripts, with a manifest of SHA-256 hashes and an optional Ed25519 signature of the manifest.

The zip is written canonically (members deflated at a fixed level, in a fixed order, with fixed
timestamps and attributes), so `verify.py` can rebuild it byte for byte and so notice a change
to any byte, headers included, not only to the members' contents. Deflated, because a transcript
of JSON bodies shrinks about nine times.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from interopcheck.errors import ReportError
from interopcheck.report import json_report
from interopcheck.report.writer import atomic_write
from interopcheck.spec.files import read_regular_file

BUNDLE_VERSION = "1.0"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
REPORT = "report.json"
RESERVED = frozenset({MANIFEST, SIGNATURE, REPORT})
_EPOCH = (1980, 1, 1, 0, 0, 0)
MAX_KEY_BYTES = 64 * 1024  # a PEM key is a few hundred bytes
COMPRESSLEVEL = 6  # zlib's default; fixed so the same members always deflate to the same bytes


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(members: Mapping[str, bytes]) -> bytes:
    """The manifest: bundle version and the SHA-256 of every member, names sorted, as canonical JSON."""
    manifest = {
        "bundle_version": BUNDLE_VERSION,
        "algorithm": "sha256",
        "files": {name: sha256_hex(members[name]) for name in sorted(members)},
    }
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def canonical_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """The exact bytes interopcheck writes for these (name, data) members, in this order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # fixed so a bundle rebuilds identically on every platform
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def bundle_entries(members: Mapping[str, bytes], signature: bytes | None) -> list[tuple[str, bytes]]:
    """The zip's members in canonical order: report, then the others by name, the manifest, the signature."""
    entries = [(REPORT, members[REPORT])]
    entries += [(name, members[name]) for name in sorted(members) if name != REPORT]
    entries.append((MANIFEST, manifest_bytes(members)))
    if signature is not None:
        entries.append((SIGNATURE, signature))
    return entries


def _check_name(name: str) -> None:
    """Refuse member names that would clash with the bundle's own files or escape the zip's root."""
    if not name or name in RESERVED or name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise ReportError(f"cannot put {name!r} in an evidence bundle: reserved or unsafe member name")


def sign(manifest: bytes, key_path: Path) -> bytes:
    """A base64 Ed25519 signature of `manifest` with the PEM private key at `key_path`."""
    return base64.b64encode(load_signing_key(key_path).sign(manifest)) + b"\n"


def load_signing_key(key_path: Path) -> Any:
    """The Ed25519 private key at `key_path`; ReportError when the cryptography package is missing or the file is no such key.

    `check` calls it before the run starts, so a bad --sign-key is found in a second, not after the whole run.
    """
    try:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
    except ImportError as exc:  # the optional "sign" extra
        raise ReportError("signing needs the cryptography package", hint="pip install 'interopcheck[sign]'") from exc
    raw = read_regular_file(Path(key_path), max_bytes=MAX_KEY_BYTES, label=f"the signing key {key_path}", error=ReportError, max_hint="give the PEM key file")
    try:
        key = load_pem_private_key(raw, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ReportError(f"{key_path} is not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ReportError(f"{key_path} is not an Ed25519 private key", hint="make one with: interopcheck keygen")
    return key


def public_key_path(private: Path) -> Path:
    """Where `keygen` puts the public key of the private key at `private`: signing.pem -> signing.pub.pem."""
    private = Path(private)
    return private.with_name(f"{private.stem}.pub{private.suffix or '.pem'}")


def generate_keypair(private: Path) -> tuple[Path, Path]:
    """Write a new Ed25519 key pair as PEM: the private key at `private` (mode 0600), the public one beside it.

    Neither file may exist already (a signing key is never overwritten); ReportError names the one that does.
    """
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    except ImportError as exc:
        raise ReportError("making a signing key needs the cryptography package", hint="pip install 'interopcheck[sign]'") from exc
    private, public = Path(private), public_key_path(private)
    for path in (private, public):
        if path.exists() or path.is_symlink():
            raise ReportError(f"{path} already exists; a key is never overwritten", hint="remove it, or give another file name")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    _create(private, private_pem, 0o600)
    try:
        _create(public, public_pem, 0o644)
    except ReportError:
        private.unlink()
        raise
    return private, public


def _create(path: Path, data: bytes, mode: int) -> None:
    """Create `path` exclusively with `mode` (less the umask) and write `data`; never replaces a file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as exc:
        raise ReportError(f"{path} already exists; a key is never overwritten", hint="remove it, or give another file name") from exc
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from exc


def write_bundle(path: Path, report: dict[str, Any], files: Mapping[str, Path | bytes], sign_key: Path | None = None) -> Path:
    """Write the evidence bundle zip at `path` atomically: report.json, `files`, manifest.json (and manifest.sig).

    A member given as bytes is bundled as it is: the run's inputs are passed as the bytes that were
    read and hashed, so a file changed on disk since cannot slip into a signed bundle.
    """
    members: dict[str, bytes] = {REPORT: json_report.render(report).encode("utf-8")}
    for name, source in files.items():
        _check_name(name)
        if isinstance(source, bytes):
            members[name] = source
            continue
        try:
            members[name] = Path(source).read_bytes()
        except OSError as exc:
            raise ReportError(f"cannot add {source} to the evidence bundle: {exc.strerror or exc}") from exc
    signature = sign(manifest_bytes(members), sign_key) if sign_key is not None else None
    return atomic_write(Path(path), canonical_zip(bundle_entries(members, signature)))
