"""The annex fixture: a small core profile, a borough's version of it, tiny standards and a template.

Built in Python rather than YAML so the golden file depends only on the annex code, not on the bundled
housing profile or standards (which other work changes) nor on the profile schema's required fields.
The attestation's fixed statement rides on a subclass, so it renders whether or not the model carries it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from interopcheck.model import Change, Evidence, Level, Mode, Requirement, Source
from interopcheck.profile.load import Profile
from interopcheck.profile.modules import Module

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = "tests/annex/fixture/profile.yaml"  # its folder holds the declaration template
TITLES = {"spec.https-servers": "Every production server is HTTPS", "export.ndjson": "The NDJSON export parses"}


@dataclass(frozen=True)
class Terms:
    """The fixed words a supplier signs (the model's AttestationTerms once that is merged)."""

    statement: str
    evidence: str = "optional"


@dataclass(frozen=True)
class RegisterRequirement(Requirement):
    """A requirement with the attestation's fixed statement."""

    attestation: Terms | None = None


HTTPS = RegisterRequirement(
    "FX-API-01", "The API is served over HTTPS only", Level.MUST, Mode.STATIC,
    (Source("GDS API technical and data standards: Secure your API", "https://www.gov.uk/guidance/gds-api-technical-and-data-standards",
                  anchor="https://www.gov.uk/guidance/gds-api-technical-and-data-standards#secure-your-api", quote="Use HTTPS | always"),),
    ("spec.https-servers",), "Plain HTTP exposes residents' data and OAuth tokens in transit.", family="API",
    statement="The Supplier's API MUST be served only over HTTPS.", actor="system", since="1.0.0", status="active",
    evidence=Evidence("machine-check", ("selection", "acceptance")),
)
EXPORT = RegisterRequirement(
    "FX-EXP-01", "Every entity is exported as NDJSON", Level.SHOULD, Mode.EXPORT,
    (Source("A standard that could not be read here", unverified="gov.uk page not stored; no network"),),
    ("export.ndjson",), None, family="EXP", modules=("repairs",), statement="The Supplier's export SHOULD offer NDJSON.",
    actor="system", since="1.2.0", status="active", evidence=Evidence("machine-check", ("award",)),
)
CHARGES = RegisterRequirement(
    "FX-ATT-01", "No extra charge for API access", Level.MUST, Mode.ATTESTATION, (Source("LOTI tender wording"),), (), None,
    "Charging is a commercial term no machine can test.", family="ATT", statement="The Supplier MUST NOT charge for API access.",
    actor="supplier", since="1.0.0", status="active", evidence=Evidence("attestation", ("award",)), changed=(Change("1.2.0", "statement fixed"),),
    attestation=Terms("API access carries no charge beyond the licence fee."),
)
PLAIN = Requirement("FX-API-02", "Errors are problem details", Level.MAY, Mode.STATIC, (Source("RFC 9457"),), (), None, "Optional.", family="API", status="deprecated")
LOCAL = Requirement("FX-LOCAL-01", "Data is hosted in the UK", Level.MUST, Mode.ATTESTATION, (Source("Borough policy"),), (), None, "Infrastructure.", family="LOCAL")
MODULES = (Module("repairs", "Repairs", ("property", "repair")),)


def core_profile() -> Profile:
    """The shared core: four requirements, one module, no annex settings."""
    return Profile("fixture", "1.2.0", "Fixture profile", "A small profile for the annex tests.", (HTTPS, EXPORT, CHARGES, PLAIN),
                   "ab" * 32, (FIXTURE,), modules=MODULES)


def borough_profile() -> Profile:
    """The core with a borough's overlay: FX-EXP-01 raised, FX-API-01 lowered and reworded, FX-API-02 removed, a local one added."""
    from dataclasses import replace

    reqs = (replace(HTTPS, level=Level.SHOULD, description="Reworded by the borough."), replace(EXPORT, level=Level.MUST), CHARGES, LOCAL)
    annex = ({"failed_must": "scored", "buyer": "Fixture Borough", "lots": [{"id": "1", "title": "Repairs", "modules": ["repairs"]}],
              "test_process": {"minimum_records": 50, "when": "Before award."}},)
    return Profile("fixture-borough", "1.0.0", "Fixture profile, as tendered by Fixture Borough", None, reqs, "cd" * 32,
                   (FIXTURE, "tests/annex/fixture/overlay.yaml"), modules=MODULES, require_modules=("repairs",), annex=annex)


SCHEMAS: dict[str, dict[str, Any]] = {
    "entities/repair": {
        "$id": "https://standards.interopcheck.org/entities/repair.json", "title": "Repair",
        "x-source": {"citation": "HACT v3.3 RaiseRepair", "url": "https://example.test/hact"},
        "required": ["id", "priority"],
        "properties": {
            "id": {"type": "string"}, "priority": {"$ref": "../codelists/repair-priority.json"},
            "completed_at": {"anyOf": [{"$ref": "../common/date-time.json"}, {"type": "null"}]},
            "history": {"type": "array", "items": {"type": "object", "required": ["at"], "properties": {"at": {"type": "string", "format": "date-time"}}}},
        },
    },
    "codelists/repair-priority": {
        "$id": "https://standards.interopcheck.org/codelists/repair-priority.json", "title": "Repair priority",
        "x-codes": [{"code": "1", "label": "Immediate"}, {"code": "2", "label": "Emergency", "from": 2025}],
    },
}


@pytest.fixture(autouse=True)
def _run_from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # the fixture's template is found relative to the working directory, as a user's profile path is
    monkeypatch.chdir(ROOT)
