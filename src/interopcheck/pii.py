"""Detectors for personal data that looks real, and a streaming tally that reports it masked.

A sandbox must hold no real personal data (GDS API technical and data standards, "Provide an API
test service": "Test services should never contain real personal or transactional data"). Real
data cannot be recognised for certain, but test data has forms set aside for it, and a value outside
them looks real:

- NHS numbers: ten digits whose tenth is the modulus 11 check digit of the first nine (weights 10
  down to 2; 11 minus the remainder, 11 read as 0, 10 never valid). The NHS's own statement of the
  algorithm (Connecting for Health, tech_nn_check_digit.pdf) is not stored on this machine; the steps
  were read in copies quoting it ("multiply each of the first nine digits by a weighting factor (10
  for the first digit, 9 for the second... 2 for the ninth) ... subtract the remainder from 11 to give
  the check digit"). Numbers from 999 000 0000 to 999 999 9999 do not look real: the nhs-number
  crate's range notes (docs.rs/crate/nhs-number, docs/ranges/README.md, by NHS Wales's GitHub
  organisation), read in this session, give that range as "Reserved for **test and demo data only** —
  valid by the checksum algorithm, but guaranteed to never be issued to a real patient" (a secondary
  source: NHS England's own statement is not stored here).
- National Insurance numbers: two prefix letters, six digits, a final letter A to D, with a prefix
  HMRC allocates. HMRC National Insurance Manual NIM39110 (gov.uk/hmrc-internal-manuals/
  national-insurance-manual/nim39110), read in this session: "A NINO is made up of 2 letters, 6
  numbers and a final letter, which is always A, B, C, or D." and "The characters D, F, I, Q, U, and
  V are not used as either the first or second letter of a NINO prefix. The letter O is not used as
  the second letter of a prefix. Prefixes BG, GB, KN, NK, NT, TN and ZZ are not to be used".
  So HMRC's own example, QQ 12 34 56 A, does not look real.
- UK telephone numbers outside Ofcom's ranges for TV and radio drama. Ofcom's page ("Telephone
  numbers for use in TV and radio drama programmes", ofcom.org.uk/phones-and-broadband/phone-numbers/
  numbers-for-drama) is not stored on this machine; `DRAMA_PREFIXES` is its table of 20 ranges as
  copied into the phone-range provenance note of a public test-data generator ("AlterEgo"), which says
  the table was pasted verbatim from Ofcom's page (a secondary source, found by text search), each an
  8-digit prefix followed by 000-999.
- Email addresses outside the names reserved for documentation and testing: the top-level domains
  .test, .example, .invalid and .localhost (RFC 2606 section 2, read in this session in a copy of the
  RFC's text: '".test" is recommended for use in testing of current or new DNS related code.',
  '".example" is recommended for use in documentation or as examples.') and the second-level domains
  example.com, example.net and example.org (RFC 2606 section 3, read as quoted in a repository's
  fixture rules: "has the following second level domain names reserved which can be used as examples.
  example.com example.net example.org"). RFC 6761 section 6 keeps these names special; its text was
  not read here.

Values are never kept or shown whole: `mask` keeps the first two characters and the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

NHS_NUMBER = "nhs-number"
NINO = "national-insurance-number"
PHONE = "phone"
EMAIL = "email"
KINDS = (NHS_NUMBER, NINO, PHONE, EMAIL)
LABELS = {
    NHS_NUMBER: "NHS numbers with a valid check digit",
    NINO: "National Insurance numbers of valid form and prefix",
    PHONE: "UK telephone numbers outside Ofcom's drama ranges",
    EMAIL: "email addresses outside the reserved example and test domains",
}

_NHS = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
_NINO = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-Da-d])(?![A-Za-z0-9])")
_PHONE = re.compile(r"(?<![\w+])(?:\+44 ?(?:\(0\) ?)?|\(?0)[1235789](?:[ ()-]{0,2}\d){8,9}(?![\d])")
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})")

_NINO_NOT_FIRST = frozenset("DFIQUV")
_NINO_NOT_SECOND = frozenset("DFIQUVO")
_NINO_NOT_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

#: Ofcom's drama ranges: the first 8 digits of an 11-digit national number (the last 3 run 000-999).
DRAMA_PREFIXES = frozenset({
    *(f"011{d}4960" for d in "345678"),  # Leeds, Sheffield, Nottingham, Leicester, Bristol, Reading: 011x 496 0xxx
    *(f"01{d}14960" for d in "23456"),  # Birmingham, Edinburgh, Glasgow, Liverpool, Manchester: 01x1 496 0xxx
    "02079460",  # London 020 7946 0xxx
    "01914980",  # Tyneside, Durham, Sunderland 0191 498 0xxx
    "02896496",  # Northern Ireland 028 9649 6xxx
    "02920180",  # Cardiff 029 2018 0xxx
    "01632960",  # no area 01632 960xxx
    "07700900",  # mobile 07700 900xxx
    "08081570",  # freephone 08081 570xxx
    "09098790",  # premium rate 0909 879 0xxx
    "03069990",  # UK-wide 03069 990xxx
})

#: NHS numbers starting 999 are for test and demo data (see the module's docstring).
NHS_TEST_PREFIX = "999"

RESERVED_DOMAINS = frozenset({"example.com", "example.net", "example.org"})
RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost"})


def nhs_check_digit_valid(digits: str) -> bool:
    """Whether the 10-digit `digits` end in the modulus 11 check digit of the first nine."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nino_valid(prefix: str, suffix: str) -> bool:
    """Whether a NINO with this prefix and final letter is of a form HMRC allocates (NIM39110)."""
    p = prefix.upper()
    return (
        p[0] not in _NINO_NOT_FIRST
        and p[1] not in _NINO_NOT_SECOND
        and p not in _NINO_NOT_PREFIX
        and suffix.upper() in "ABCD"
    )


def national_digits(phone: str) -> str:
    """The UK national form of a phone number's digits: `+44 20 7946 0123` -> `02079460123`."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.lstrip("( ").startswith("+44"):
        rest = digits[2:]
        digits = rest if rest.startswith("0") else "0" + rest  # "+44 (0)20 ..." writes the 0 once more
    return digits


def phone_is_drama(phone: str) -> bool:
    """Whether the UK number `phone` lies in one of Ofcom's ranges for drama."""
    digits = national_digits(phone)
    return len(digits) == 11 and digits[:8] in DRAMA_PREFIXES


def email_domain_reserved(domain: str) -> bool:
    """Whether `domain` is one of, or under, the names reserved for examples and testing."""
    name = domain.lower().rstrip(".")
    if name.rsplit(".", 1)[-1] in RESERVED_TLDS:
        return True
    return any(name == d or name.endswith("." + d) for d in RESERVED_DOMAINS)


def real_looking(text: str) -> Iterator[tuple[str, str]]:
    """(kind, the matched text) for every value in `text` that looks like real personal data."""
    if len(text) < 6:
        return
    if "@" in text:
        for m in _EMAIL.finditer(text):
            if not email_domain_reserved(m.group(1)):
                yield EMAIL, m.group(0)
    has_digits = any(ch.isdigit() for ch in text)
    if not has_digits:
        return
    for m in _NHS.finditer(text):
        digits = "".join(m.groups())
        if nhs_check_digit_valid(digits) and not digits.startswith(NHS_TEST_PREFIX):
            yield NHS_NUMBER, m.group(0)
    for m in _NINO.finditer(text):
        if nino_valid(m.group(1), m.group(5)):
            yield NINO, m.group(0)
    for m in _PHONE.finditer(text):
        digits = national_digits(m.group(0))
        if len(digits) in (10, 11) and not phone_is_drama(m.group(0)) and not nhs_check_digit_valid(digits):
            yield PHONE, m.group(0)


def mask(value: str) -> str:
    """`value` with every letter and digit after the first two replaced by `*` (an email keeps its top-level domain)."""
    keep_tail = ""
    if "@" in value and "." in value.rsplit("@", 1)[1]:
        head, _, tld = value.rpartition(".")
        value, keep_tail = head, "." + tld
    seen = 0
    out = []
    for ch in value:
        if ch.isalnum():
            seen += 1
            out.append(ch if seen <= 2 else "*")
        else:
            out.append(ch)
    return "".join(out) + keep_tail


def strings_in(node: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON pointer, text) of every string in a record, depth first."""
    if node.__class__ is str:
        yield pointer or "/", node
    elif node.__class__ is dict:
        for key, value in node.items():
            yield from strings_in(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
    elif node.__class__ is list:
        for i, value in enumerate(node):
            yield from strings_in(value, f"{pointer}/{i}")


@dataclass(frozen=True)
class PiiExample:
    """One masked example: where it was found (source, record id, field) and the value masked."""

    kind: str
    where: str
    masked: str


@dataclass
class PiiTally:
    """Counts of real-looking values per kind, a few masked examples, and the values to redact from every output.

    Records stream through `scan`; nothing of them is kept but the counts, the masked examples and
    (for the run's redactor) the distinct matched values, at most `max_values` of them.
    """

    max_examples: int = 3
    max_values: int = 5000
    records: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    examples: list[PiiExample] = field(default_factory=list)
    values: set[str] = field(default_factory=set)

    def scan(self, record: Any, source: str) -> None:
        """Look at every string of one record; `source` names it in examples (e.g. "person PER-0001 (API)")."""
        self.records += 1
        for pointer, text in strings_in(record):
            for kind, value in real_looking(text):
                self.counts[kind] += 1
                if len(self.values) < self.max_values:
                    self.values.add(value)
                if sum(e.kind == kind for e in self.examples) < self.max_examples:
                    self.examples.append(PiiExample(kind, f"{source} {pointer}", mask(value)))

    @property
    def found(self) -> int:
        """How many real-looking values were found in all."""
        return sum(self.counts.values())

    def summary(self) -> str:
        """`2 NHS numbers with a valid check digit, 5 UK telephone numbers ...` (kinds found only)."""
        return ", ".join(f"{n} {LABELS[k]}" for k, n in self.counts.items() if n)
