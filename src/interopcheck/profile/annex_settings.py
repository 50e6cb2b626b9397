"""The settings of a tender annex that a borough fills in: how a failed MUST is treated, lots, the test process.

They come from the `annex:` blocks of the profile and its overlays (validated by `profile.schema.json`),
merged base first: an overlay's key replaces the profile's, `test_process` key by key. A setting no file
gives is shown in the annex as a gap for the council to fill, never as an invented value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from interopcheck.errors import ProfileError

FAILED_MUST_CHOICES = ("excluded", "scored", "contract-condition")

#: How each choice reads in the preamble. The Procurement Act 2023 s.23(3)(a) asks the assessment
#: methodology to say whether failing a criterion disqualifies a tender; each sentence answers that.
FAILED_MUST_TEXT: dict[str, str] = {
    "excluded": (
        "Failing a MUST requirement disqualifies a tender: a tender whose product fails any MUST requirement "
        "that applies to it is excluded and not assessed further."
    ),
    "scored": (
        "Failing a MUST requirement does not by itself disqualify a tender: each requirement's outcome is scored "
        "under the award criteria, and a failed MUST scores nothing for that requirement."
    ),
    "contract-condition": (
        "Failing a MUST requirement does not disqualify a tender: meeting every MUST requirement that applies is a "
        "condition of the contract, tested again at acceptance, and the supplier remedies any failure at its own cost."
    ),
}

GAP = "[To be completed by the council: {what}]"


def gap(what: str) -> str:
    """The placeholder the annex shows for a setting no profile or overlay gives."""
    return GAP.format(what=what)


@dataclass(frozen=True)
class Lot:
    """One lot of the tender and the profile modules it buys."""

    id: str
    title: str
    modules: tuple[str, ...]


@dataclass(frozen=True)
class TestProcess:
    """The test process as the borough states it; None where no file sets a value."""

    when: str | None = None
    dry_run: str | None = None
    retests: str | None = None
    sandbox_access: str | None = None
    credentials: str | None = None
    minimum_records: int | None = None
    evidence_retention: str | None = None


@dataclass(frozen=True)
class AnnexSettings:
    """Everything the annex says that is the borough's choice rather than the profile's register."""

    buyer: str | None = None
    failed_must: str | None = None
    failed_must_note: str | None = None
    lots: tuple[Lot, ...] = ()
    test_process: TestProcess = TestProcess()

    def failed_must_text(self) -> str:
        """The preamble's sentence on a failed MUST, or the gap the council must fill."""
        if self.failed_must is None:
            return gap(
                "say whether failing a MUST requirement disqualifies a tender (excluded), is scored under the award "
                "criteria (scored), or is a condition of the contract tested at acceptance (contract condition); "
                "set annex.failed_must in the borough's overlay"
            )
        return FAILED_MUST_TEXT[self.failed_must]


def merge_blocks(blocks: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The `annex:` blocks merged in order: later keys replace earlier ones, `test_process` key by key."""
    merged: dict[str, Any] = {}
    for block in blocks:
        process = {**merged.get("test_process", {}), **block.get("test_process", {})}
        merged.update(block)
        if process:
            merged["test_process"] = process
    return merged


def annex_settings(profile: Any) -> AnnexSettings:
    """The annex settings of a loaded profile (`Profile.annex` holds each file's block, base first).

    A lot naming a module the profile does not have is bad input: the annex would promise a test that never runs.
    """
    data = merge_blocks(getattr(profile, "annex", ()) or ())
    process = data.get("test_process") or {}
    known = [m.id for m in getattr(profile, "modules", ())]
    for lot in data.get("lots") or ():
        unknown = [m for m in lot["modules"] if m not in known]
        if unknown:
            raise ProfileError(
                f"profile {profile.id}: annex lot {lot['id']!r} names unknown module {unknown[0]!r}",
                hint=f"use modules of the profile: {', '.join(known) or '(it has none)'}",
            )
    return AnnexSettings(
        buyer=data.get("buyer"),
        failed_must=data.get("failed_must"),
        failed_must_note=data.get("failed_must_note"),
        lots=tuple(Lot(lot["id"], lot["title"], tuple(lot["modules"])) for lot in data.get("lots") or ()),
        test_process=TestProcess(**{k: process.get(k) for k in TestProcess.__dataclass_fields__}),
    )
