"""A zip export that downloads but cannot be read is the supplier's failure (exit 1), never an error of the run."""

from __future__ import annotations

import io
import zipfile

from export_fakes import FakeSandbox, make_ctx
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.model import Status

EXPORTS = [{"entity": e, "format": "zip", "url": "/v1/exports/all.zip"} for e in ENTITIES]


def _zip(sandbox: FakeSandbox, leave_out: str = "") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for entity in ENTITIES:
            if entity != leave_out:
                archive.writestr(f"{entity}.ndjson", sandbox.ndjson(entity))
    return buf.getvalue()


def available(sandbox: FakeSandbox) -> tuple[Status, str]:
    result = run_check(all_checks()["export.available"], make_ctx(sandbox, sandbox.declaration(exports=EXPORTS)))
    return result.status, " ".join(f.message for f in result.findings)


def test_a_whole_zip_passes(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/all.zip"] = _zip(sandbox)
    assert available(sandbox)[0] is Status.PASS


def test_a_body_that_is_no_zip_or_half_a_zip_fails(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/all.zip"] = b"<html>oops</html>"
    status, why = available(sandbox)
    assert status is Status.FAIL and "not a readable zip archive" in why
    whole = _zip(sandbox)
    sandbox.overrides["/v1/exports/all.zip"] = whole[: len(whole) // 2]
    assert available(sandbox)[0] is Status.FAIL


def test_an_archive_without_an_entity_fails_naming_it(sandbox: FakeSandbox) -> None:
    sandbox.overrides["/v1/exports/all.zip"] = _zip(sandbox, leave_out="repair")
    status, why = available(sandbox)
    assert status is Status.FAIL and "no file for repair" in why
