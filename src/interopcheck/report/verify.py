"""Verify an evidence bundle: every hash, the canonical zip bytes, the report's own arithmetic,
and the Ed25519 signature of the manifest when a public key is given.

Integrity problems are returned as a failed `VerifyResult` with one line each, so `verify` can
list them all; only unusable inputs (no such file, a bad public key) raise ReportError.
"""

from __future__ import annotations

import base64
import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interopcheck.errors import ReportError
from interopcheck.model import Level, Mode, Outcome, Status
from interopcheck.report import json_report
from interopcheck.report.bundle import MANIFEST, MAX_KEY_BYTES, REPORT, SIGNATURE, bundle_entries, canonical_zip, sha256_hex
from interopcheck.spec.files import read_regular_file


@dataclass(frozen=True)
class VerifyResult:
    """What verification found: `ok` only when there are no problems (and the signature held, if checked)."""

    ok: bool
    problems: tuple[str, ...]
    members: tuple[str, ...]
    signed: bool
    signature_checked: bool
    verdict: str | None

    @property
    def signature_summary(self) -> str:
        """What can be said of the signature: checked, present but not checked (anyone who edits a bundle
        can keep its old `manifest.sig`, so an unchecked one proves nothing), or absent."""
        if self.signature_checked:
            return "signature valid"
        if self.signed:
            return f"{SIGNATURE} present, signature not checked (give --public-key to check it)"
        return "not signed"


def recompute(report: dict[str, Any]) -> list[str]:
    """Where the report's verdict, counts or score disagree with its own outcomes (empty when they agree)."""
    from interopcheck.scoring import LEGACY_SCORE_FORMULA, counts_of, score_of, verdict_of

    try:
        outcomes = [
            Outcome(o["requirement_id"], o["title"], Level(o["level"]), Mode(o["mode"]), Status(o["status"]), o["reason"])
            for o in report["outcomes"]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        return [f"report outcomes are malformed: {exc}"]
    problems = []
    interrupted = (report.get("run") or {}).get("interrupted") is True  # Ctrl-C: a partial report is incomplete, whatever it holds
    verdict = "incomplete" if interrupted else verdict_of(outcomes).value
    if report.get("verdict") != verdict:
        problems.append(f"report says verdict {report.get('verdict')!r} but its outcomes give {verdict!r}")
    counts = counts_of(outcomes)
    expected_counts = {"by_status": counts.by_status, "musts_failed": counts.musts_failed, "musts_total": counts.musts_total}
    if report.get("counts") != expected_counts:
        problems.append(f"report counts {report.get('counts')} disagree with its outcomes {expected_counts}")
    got = report.get("score") or {}
    score = score_of(outcomes, LEGACY_SCORE_FORMULA) if got.get("formula") == LEGACY_SCORE_FORMULA else score_of(outcomes)
    if (got.get("value"), got.get("passed_weight"), got.get("total_weight")) != (score.value, score.passed_weight, score.total_weight):
        problems.append(f"report score {got.get('value')} disagrees with its outcomes ({score.value})")
    return problems


def _load_public_key(path: Path) -> Any:
    """The Ed25519 public key in the PEM file at `path`, or ReportError."""
    try:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import load_pem_public_key
    except ImportError as exc:
        raise ReportError("checking a signature needs the cryptography package", hint="pip install 'interopcheck[sign]'") from exc
    raw = read_regular_file(Path(path), max_bytes=MAX_KEY_BYTES, label=f"the public key {path}", error=ReportError, max_hint="give the PEM key file")
    try:
        key = load_pem_public_key(raw)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ReportError(f"{path} is not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ReportError(f"{path} is not an Ed25519 public key")
    return key


# What zipfile raises on a damaged archive: bad structure, CRC mismatch, a flipped "encrypted" or
# compression flag, a truncated stream.
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error)


#: The most bytes verify inflates from one bundle, all members together. A run's bundle holds a spec
#: (50 MB by default at most), a transcript of at most 5,000 capped exchanges and the reports; past
#: this a bundle is a zip bomb, and reading stops there rather than filling memory.
MAX_BUNDLE_BYTES = 512 * 1024 * 1024
_PIECE = 1 << 20


def _read_members(path: Path) -> tuple[dict[str, bytes], list[str]]:
    """Every member's bytes, and a problem line for each member (or the zip) that cannot be read.

    Members are stored or deflated; each is inflated piece by piece and the bytes counted against
    MAX_BUNDLE_BYTES for the whole bundle, so a zip bomb is stopped at the cap, never inflated whole
    (a member's declared size is not trusted). Members that claim more bytes than the file holds
    (overlapping entries) stop the reading; another compression method is not read.
    """
    members: dict[str, bytes] = {}
    problems: list[str] = []
    budget = MAX_BUNDLE_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(info.compress_size for info in infos) > path.stat().st_size:
                return {}, ["the zip's members claim more bytes than the file holds (overlapping or forged entries)"]
            for info in infos:
                if info.filename in members:
                    problems.append(f"member {info.filename} appears twice")
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    problems.append(f"member {info.filename} is compressed with method {info.compress_type}; a bundle's members are stored or deflated, so it was not read")
                    continue
                try:
                    data = _read_bounded(archive, info, budget)
                except _ZIP_ERRORS as exc:
                    problems.append(f"member {info.filename} is damaged: {exc}")
                    continue
                if data is None:
                    problems.append(
                        f"member {info.filename} inflates past {MAX_BUNDLE_BYTES // (1024 * 1024)} MB, more than a bundle holds "
                        "(a zip bomb?); reading stopped there"
                    )
                    break
                budget -= len(data)
                members[info.filename] = data
    except _ZIP_ERRORS as exc:
        problems.append(f"not a readable zip: {exc}")
    return members, problems


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes | None:
    """The member's bytes, inflated a piece at a time; None as soon as they pass `budget`."""
    pieces = []
    size = 0
    with archive.open(info) as member:
        while piece := member.read(_PIECE):
            size += len(piece)
            if size > budget:
                return None
            pieces.append(piece)
    return b"".join(pieces)


def verify_bundle(path: Path, public_key: Path | None = None) -> VerifyResult:
    """Check the bundle at `path` thoroughly; see the module docstring for what is checked."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"no evidence bundle at {path}")
    key = _load_public_key(public_key) if public_key is not None else None
    members, problems = _read_members(path)
    manifest_raw = members.pop(MANIFEST, None)
    signature = members.pop(SIGNATURE, None)
    verdict: str | None = None
    unread = " ".join(problems)  # a member named in a problem already (too big, damaged) is not "missing" too
    stopped = "reading stopped there" in unread  # past the cap: the members after it were not read, not missing
    if manifest_raw is not None:
        problems += _check_manifest(manifest_raw, members)
    elif f"member {MANIFEST} " not in unread and not stopped:
        problems.append(f"{MANIFEST} is missing")
    if REPORT in members:
        report, report_problems = _check_report(members[REPORT])
        problems += report_problems
        verdict = report.get("verdict") if report else None
    elif f"member {REPORT} " not in unread and not stopped:
        problems.append(f"{REPORT} is missing")
    if not problems and manifest_raw is not None and REPORT in members:
        if canonical_zip(bundle_entries(members, signature)) != path.read_bytes():
            problems.append("the zip differs from the canonical bundle of its own members: bytes outside the members were changed")
    if signature is not None and not _canonical_signature(signature):
        problems.append(f"{SIGNATURE} is not in its canonical encoding (one line of base64 and a newline): changed after signing")
    checked = False
    if key is not None:
        checked = True
        if signature is None:
            problems.append(f"a public key was given but the bundle has no {SIGNATURE}")
        elif manifest_raw is not None:
            problems += _check_signature(key, manifest_raw, signature)
    return VerifyResult(not problems, tuple(problems), tuple(sorted(members)), signature is not None, checked, verdict)


def _check_manifest(raw: bytes, members: dict[str, bytes]) -> list[str]:
    """Problems where the members and the manifest's names or SHA-256 hashes disagree."""
    try:
        listed = json.loads(raw)["files"]
        assert isinstance(listed, dict)
    except (ValueError, KeyError, TypeError, AssertionError):
        return [f"{MANIFEST} is not a valid manifest"]
    problems = [f"{name} is in the bundle but not in the manifest" for name in sorted(set(members) - set(listed))]
    problems += [f"{name} is in the manifest but missing from the bundle" for name in sorted(set(listed) - set(members))]
    for name in sorted(set(listed) & set(members)):
        if sha256_hex(members[name]) != listed[name]:
            problems.append(f"{name} does not match its SHA-256 in the manifest (changed after the bundle was made)")
    return problems


def _check_report(raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    """The report if it is valid JSON of the schema, and the ways it disagrees with itself."""
    try:
        report = json_report.check_report(json.loads(raw), REPORT)
    except ValueError as exc:
        return None, [f"{REPORT} is not JSON: {exc}"]
    except RecursionError:
        return None, [f"{REPORT} is nested too deeply to be a report"]
    except ReportError as exc:
        return None, [str(exc)]
    return report, recompute(report)


def _canonical_signature(signature: bytes) -> bool:
    """Whether `signature` is exactly what `bundle.sign` writes: one line of padded base64 and a newline.

    Base64 decoders ignore whitespace and accept other encodings of the same bytes; accepting them would
    let a signed bundle's bytes change while its signature still verifies.
    """
    if not signature.endswith(b"\n"):
        return False
    try:
        decoded = base64.b64decode(signature[:-1], validate=True)
    except ValueError:
        return False
    return base64.b64encode(decoded) + b"\n" == signature


def _check_signature(key: Any, manifest: bytes, signature: bytes) -> list[str]:
    """A problem line unless `signature` is a valid Ed25519 signature of `manifest`."""
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(base64.b64decode(signature.strip(), validate=True), manifest)
    except (InvalidSignature, ValueError):
        return ["the signature does not match the manifest with this public key (edited, or signed by another key)"]
    return []
