"""Static API-design checks over the pass/fail case folders in tests/cases/static (see its README)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.declaration import Declaration
from interopcheck.model import CheckResult, Status
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index
from interopcheck.spec.load import iter_refs, load_spec
from interopcheck.spec.validate import SpecIssue, SpecValidation

CASES = Path(__file__).resolve().parents[1] / "cases" / "static"
STATIC_IDS = (
    "spec.valid-openapi", "spec.openapi-3", "spec.https-servers", "spec.api-version", "spec.api-version-in-path", "spec.json-media-types",
    "spec.object-responses", "spec.date-formats", "spec.oauth2-security", "spec.no-query-api-keys",
    "spec.info-complete", "spec.unique-operation-ids", "spec.no-x-headers", "spec.error-responses",
    "spec.problem-json", "spec.pagination", "spec.modified-since-filter", "spec.write-operations",
    "spec.export-documented", "spec.kebab-case-paths", "spec.semver-version", "spec.domain-name", "spec.licence-open",
)


def _cases() -> Iterator[Any]:
    for check_dir in sorted(p for p in CASES.iterdir() if p.is_dir()):
        for kind in ("pass", "fail"):
            for path in sorted((check_dir / kind).glob("*.yaml")):
                if not path.name.endswith(".expect.yaml"):
                    yield pytest.param(check_dir.name, kind, path, id=f"{check_dir.name}/{kind}/{path.stem}")


def _expectations(path: Path) -> dict[str, Any]:
    sidecar = path.with_name(path.stem + ".expect.yaml")
    return (yaml.safe_load(sidecar.read_text()) or {}) if sidecar.exists() else {}


def _beside(ref: str) -> bool:
    """A `$ref` into a file beside the case (not a fragment, not the network)."""
    return not ref.startswith("#") and not ref.lower().startswith(("http://", "https://"))


def run_case(check_id: str, path: Path, expect: dict[str, Any]) -> CheckResult:
    """Index the case document as the spec stage would and run one registered check on it.

    A case that `$ref`s files beside it (kept in a sub-folder, so they are not cases) is read
    by the loader, which resolves those files into the document's externals.
    """
    data = yaml.safe_load(path.read_text())
    if any(_beside(ref) for _, ref in iter_refs(data)):
        document = load_spec(str(path))
    else:
        remote = tuple((site, ref) for site, ref in iter_refs(data) if ref.lower().startswith(("http://", "https://")))
        document = SpecDocument(data, source=str(path), base_uri=path.as_uri(), format="yaml", sha256="", size=0, remote_refs=remote)
    index = build_index(document)
    not_fetched = tuple(expect.get("not_fetched", ()))
    validation: SpecValidation | None = SpecValidation(index.version, (), "test", not_fetched)
    if "validation" in expect:
        raw = expect["validation"]
        issues = () if raw is None else tuple(SpecIssue(**i) for i in raw)
        validation = None if raw is None else SpecValidation(index.version, issues, "test", not_fetched)
    declaration = Declaration.from_dict(expect["declaration"], source="case") if "declaration" in expect else None
    ctx = CheckContext(index=index, validation=validation, declaration=declaration)
    return run_check(all_checks()[check_id], ctx)


@pytest.mark.parametrize(("check_id", "kind", "path"), list(_cases()))
def test_case(check_id: str, kind: str, path: Path) -> None:
    expect = _expectations(path)
    result = run_case(check_id, path, expect)
    assert result.status == Status(expect.get("status", kind)), (result.summary, result.findings)
    pointers = {f.location.pointer for f in result.findings if f.location is not None}
    if result.status == Status.FAIL:
        assert expect.get("pointers"), f"fail case {path.name} must name the pointers it expects"
        assert result.findings
    for pointer in expect.get("pointers", ()):
        assert pointer in pointers, (pointer, pointers)
    if "count" in expect:
        assert len(result.findings) == expect["count"], [f.message for f in result.findings]
    for text in expect.get("messages", ()):
        assert any(text in f.message for f in result.findings), (text, [f.message for f in result.findings])
    for text in expect.get("summary", ()):
        assert text in result.summary, (text, result.summary)
    for text in expect.get("evidence", ()):
        assert any(text in e.message for e in result.evidence), (text, [e.message for e in result.evidence])
    for text in expect.get("files", ()):
        assert any(f.location is not None and str(f.location.file).endswith(text) for f in result.findings), text
    for finding in result.findings:  # in the case itself, or in a file it $refs beside it
        assert finding.location is not None and finding.location.file is not None
        assert finding.location.file == str(path) or Path(finding.location.file).is_relative_to(path.parent)


def test_every_static_id_is_registered_with_pass_and_fail_cases() -> None:
    registered = {cid for cid in all_checks() if cid.startswith("spec.")}
    assert registered == set(STATIC_IDS)
    for check_id in STATIC_IDS:
        for kind in ("pass", "fail"):
            cases = [p for p in (CASES / check_id / kind).glob("*.yaml") if not p.name.endswith(".expect.yaml")]
            assert cases, f"{check_id} has no {kind} case"
