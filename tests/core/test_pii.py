"""The real-looking personal data detectors: each with values that look real and values of test forms."""

from __future__ import annotations

import pytest

from interopcheck import pii
from interopcheck.pii import EMAIL, NHS_NUMBER, NINO, PHONE, PiiTally, mask, real_looking


def kinds(text: str) -> list[str]:
    return [kind for kind, _ in real_looking(text)]


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_nhs_numbers_with_a_valid_check_digit_look_real(number: str) -> None:
    assert kinds(f"NHS no. {number}") == [NHS_NUMBER]


@pytest.mark.parametrize("number", ["9434765918", "943 476 5910", "1234567890", "94347659190", "100000000000", "999 000 0018"])
def test_nhs_numbers_with_a_wrong_check_digit_or_length_do_not(number: str) -> None:
    assert NHS_NUMBER not in kinds(number)


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1,0,0,0,0,0,0,0,1 weighted: 10 + 2 = 12; 12 % 11 = 1; 11 - 1 = 10: no valid NHS number starts 100000001
    assert not any(pii.nhs_check_digit_valid(f"100000001{d}") for d in "0123456789")


@pytest.mark.parametrize("nino", ["AB123456C", "AB 12 34 56 C", "jk 12 34 56 a", "HN 00 00 00 D"])
def test_ninos_of_valid_form_and_prefix_look_real(nino: str) -> None:
    assert kinds(nino) == [NINO]


@pytest.mark.parametrize(
    "nino",
    [
        "QQ 12 34 56 A",  # HMRC's own example: Q is never a prefix letter
        "DA 12 34 56 A", "AF 12 34 56 A", "AO 12 34 56 A",  # D, F first or second; O second
        "GB 12 34 56 A", "BG123456A", "NK123456A", "KN123456A", "TN123456A", "NT123456A", "ZZ123456A",
        "AB 12 34 56 E",  # the final letter is A to D
        "AB12345C", "XAB123456C",
    ],
)
def test_ninos_hmrc_does_not_allocate_do_not(nino: str) -> None:
    assert NINO not in kinds(nino)


@pytest.mark.parametrize("phone", ["07123 456789", "+44 7123 456789", "020 7123 4567", "0161 555 0123", "+44 (0)20 7123 4567", "01632 961000"])
def test_phone_numbers_outside_the_drama_ranges_look_real(phone: str) -> None:
    assert kinds(phone) == [PHONE]


@pytest.mark.parametrize(
    "phone",
    ["020 7946 0123", "+44 20 7946 0999", "07700 900123", "01632 960000", "0113 496 0456", "0161 496 0001", "0191 498 0123",
     "028 9649 6123", "029 2018 0999", "08081 570123", "0909 879 0123", "03069 990123"],
)
def test_phone_numbers_in_ofcoms_drama_ranges_do_not(phone: str) -> None:
    assert PHONE not in kinds(phone)


def test_numbers_that_are_not_phones_are_left_alone() -> None:
    assert kinds("100023336956") == []  # a UPRN
    assert kinds("PER-000123") == [] and kinds("2026-03-01T09:30:00Z") == [] and kinds("HCL-2025-000123") == []


@pytest.mark.parametrize("email", ["jane.doe@gmail.com", "a.person@council.gov.uk", "x@example.co.uk", "x@examples.com"])
def test_emails_outside_reserved_domains_look_real(email: str) -> None:
    assert kinds(f"write to {email}") == [EMAIL]


@pytest.mark.parametrize(
    "email",
    ["jane@example.com", "jane@example.org", "jane@example.net", "jane@mail.example.com", "jane@example-housing.test",
     "jane@host.example", "jane@nowhere.invalid", "root@box.localhost"],
)
def test_emails_in_reserved_domains_do_not(email: str) -> None:
    assert kinds(email) == []


def test_masks_keep_two_characters_and_the_form() -> None:
    assert mask("943 476 5919") == "94* *** ****"
    assert mask("AB 12 34 56 C") == "AB ** ** ** *"
    assert mask("jane.doe@gmail.com") == "ja**.***@*****.com"
    assert "5919" not in mask("9434765919")


def test_the_tally_counts_masks_and_keeps_no_record() -> None:
    tally = PiiTally(max_examples=1)
    tally.scan({"id": "P1", "phone": "07123 456789", "notes": ["NHS 943 476 5919", "ok"]}, "person P1")
    tally.scan({"id": "P2", "phone": "07123 456780", "email": "p2@example.test"}, "person P2")
    assert tally.records == 2 and tally.found == 3
    assert tally.counts[PHONE] == 2 and tally.counts[NHS_NUMBER] == 1
    assert [(e.kind, e.where, e.masked) for e in tally.examples] == [
        (PHONE, "person P1 /phone", "07*** ******"), (NHS_NUMBER, "person P1 /notes/0", "94* *** ****")]
    assert tally.values == {"07123 456789", "943 476 5919", "07123 456780"}
    assert tally.summary() == "1 NHS numbers with a valid check digit, 2 UK telephone numbers outside Ofcom's drama ranges"
