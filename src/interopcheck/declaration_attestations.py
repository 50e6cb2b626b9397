"""Attestations against the profile: the supplier signs the profile's own words, with evidence where asked.

The profile fixes each attestation requirement's statement (`attestation.statement`), so every
bidder promises the same thing and an evaluator compares like with like. A declaration that words
a statement differently, or leaves out the evidence link the profile requires (a published price
list, say), is a bad declaration: `check_attestations` raises `DeclarationError` with file:line,
the requirement and the expected text, and the run stops with exit code 2 before anything is tested.
"""

from __future__ import annotations

from collections.abc import Iterable

from interopcheck.declaration import Declaration
from interopcheck.errors import DeclarationError
from interopcheck.model import Requirement


def normalised(text: str) -> str:
    """`text` with every run of whitespace (line breaks of a folded YAML string included) made one space, trimmed."""
    return " ".join(text.split())


def check_attestations(declaration: Declaration, requirements: Iterable[Requirement]) -> None:
    """Refuse an attestation whose statement is not the profile's, or that lacks a required evidence link.

    Attestations of requirements the profile does not fix a statement for are left to the
    `data.declaration-valid` check (an unknown id is a finding there, not a refusal here).
    """
    terms = {r.id: r.attestation for r in requirements if r.attestation is not None}
    for i, entry in enumerate(declaration.raw.get("attestations") or ()):
        rid = entry.get("requirement")
        expected = terms.get(rid)
        if expected is None:
            continue
        att = declaration.attestations[rid]
        if normalised(att.statement) != normalised(expected.statement):
            raise DeclarationError(
                f"{_where(declaration, i, 'statement')}: {rid}: the statement is not the profile's; "
                f"the supplier signs exactly: \"{normalised(expected.statement)}\"",
                hint="copy the statement from the declaration template (interopcheck declaration init) word for word",
            )
        if expected.evidence == "required" and not att.evidence_url:
            raise DeclarationError(
                f"{_where(declaration, i, 'requirement')}: {rid}: evidence_url is missing; the profile requires a link "
                "to the published evidence for this attestation",
                hint="add evidence_url: https://... (the public page the statement relies on, e.g. the price list)",
            )


def _where(declaration: Declaration, index: int, key: str) -> str:
    line = declaration.line_of(["attestations", index, key])
    return f"{declaration.source}:{line}" if line is not None else declaration.source
