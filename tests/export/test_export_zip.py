"""Zip exports: the formats of the files inside count, a CSV inside is checked, an unreadable archive fails."""

from __future__ import annotations

import io
import zipfile

from export_fakes import FakeSandbox, make_ctx, to_csv
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.model import CheckResult, Status

EXPORTS = [{"entity": e, "format": "zip", "url": "/v1/exports/all.zip"} for e in ENTITIES]


def _zip(sandbox: FakeSandbox, leave_out: str = "", csv: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for entity in ENTITIES:
            if entity != leave_out:
                archive.writestr(f"{entity}.ndjson", sandbox.ndjson(entity))
                if csv is not None:
                    archive.writestr(f"{entity}.csv", csv if entity == "person" else to_csv(sandbox.records[entity]))
    return buf.getvalue()


def run(sandbox: FakeSandbox, check_id: str) -> CheckResult:
    return run_check(all_checks()[check_id], make_ctx(sandbox, sandbox.declaration(exports=EXPORTS)))


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


def test_csv_files_inside_the_zip_count_as_csv_exports_and_are_checked(sandbox: FakeSandbox) -> None:
    only_records = _zip(sandbox)
    sandbox.overrides["/v1/exports/all.zip"] = only_records
    formats = run(sandbox, "export.formats")
    assert formats.status is Status.FAIL and "person: no CSV export declared" in [f.message for f in formats.findings]
    assert run(sandbox, "export.csv-valid").status is Status.FAIL  # no CSV anywhere
    sandbox.overrides["/v1/exports/all.zip"] = _zip(sandbox, csv=to_csv(sandbox.records["person"]))
    assert run(sandbox, "export.formats").status is Status.PASS
    valid = run(sandbox, "export.csv-valid")
    assert valid.status is Status.PASS and f"{len(ENTITIES)} CSV exports are well formed" in valid.summary
    sandbox.overrides["/v1/exports/all.zip"] = _zip(sandbox, csv=b'id,given_name\r\n"unclosed,x\r\n')
    broken = run(sandbox, "export.csv-valid")
    assert broken.status is Status.FAIL and any("person" in f.message for f in broken.findings)


def test_an_archive_over_the_users_byte_limit_skips(sandbox: FakeSandbox) -> None:
    body = _zip(sandbox)
    sandbox.overrides["/v1/exports/all.zip"] = body
    ctx = make_ctx(sandbox, sandbox.declaration(exports=EXPORTS), export_max_bytes=len(body) + 10)
    result = run_check(all_checks()["export.records.person"], ctx)
    assert result.status is Status.SKIP and "--export-max-bytes" in result.summary
