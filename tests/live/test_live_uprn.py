"""live.uprn-valid's rule: 1 to 12 digits, zero padding accepted and stripped (OS gazetteers pad; CORE accepts ^[0-9]{1,12}$)."""

from __future__ import annotations

import pytest

from interopcheck.checks.live_records import normalise_uprn, uprn_problem
from interopcheck.declaration import MISSING


@pytest.mark.parametrize(("uprn", "address_uprn", "problem"), [
    ("100023336956", MISSING, ""),
    ("100023336956", "100023336956", ""),
    ("000100023336", MISSING, None),  # padded to 12 characters: the same UPRN, said so in the summary
    ("000100023336", "100023336", None),  # the padded and the plain form agree
    ("0", MISSING, "has an invalid uprn '0'"),
    ("1234567890123", MISSING, "has an invalid uprn '1234567890123'"),
    ("10002333695A", MISSING, "has an invalid uprn '10002333695A'"),
    (100023336956, MISSING, "has an invalid uprn 100023336956"),  # the standard's records carry it as a string
    (MISSING, MISSING, "has no uprn"),
    (None, MISSING, "has no uprn"),
    ("100023336956", "200", "has address.uprn '200' different from uprn '100023336956'"),
])
def test_uprn_problem(uprn: object, address_uprn: object, problem: str | None) -> None:
    assert uprn_problem(uprn, address_uprn) == problem


@pytest.mark.parametrize(("value", "canonical"), [
    ("000000000001", "1"), ("1", "1"), (42, "42"), ("000000000000", None), (True, None), ("", None), (" 1", None),
])
def test_normalise_uprn(value: object, canonical: str | None) -> None:
    assert normalise_uprn(value) == canonical


class _Walk:
    def exchange(self) -> None:
        return None


def test_the_check_says_how_many_uprns_were_padded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A padded UPRN passes, and the summary says it was read without its zeros; a bad one still fails."""
    from interopcheck.checks import live_records
    from interopcheck.model import Status

    records = [{"id": "P1", "uprn": "000100023336"}, {"id": "P2", "uprn": "100023336956"}]
    monkeypatch.setattr(live_records, "_sample", lambda ctx, entity: (records, _Walk()))
    decision = live_records.uprn_valid(None)
    assert decision.status is Status.PASS
    assert "1 zero-padded UPRN(s) accepted" in decision.summary
    records.append({"id": "P3", "uprn": "0"})
    decision = live_records.uprn_valid(None)
    assert decision.status is Status.FAIL and decision.findings[0].message == "property P3 has an invalid uprn '0'"
