"""Code-list values and London reference data the sandbox draws its synthetic records from.

Code lists are read from the bundled standards (`standards/codelists/*.json`), so the sandbox and
the checks agree: `codes(name)` gives the codes current in the sandbox's standards year (an `x-codes`
entry's `from`/`until` years, inclusive, read by `interopcheck.standards.codes`). A missing or unreadable list is a `StandardsError`: the
sandbox never falls back to codes of its own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from interopcheck.errors import StandardsError
from interopcheck.resources import standards_dir
from interopcheck.standards.codes import Code, codes_of

#: The standards year the sandbox speaks (a CORE collection year by its start year: 2026 = 2026/27).
SANDBOX_YEAR = 2026


@lru_cache(maxsize=None)
def codes(name: str, year: int = SANDBOX_YEAR) -> tuple[Any, ...]:
    """The codes of list `name` (e.g. "tenancy-type") current in `year`, in the list's order (see `standards.codes`)."""
    return tuple(c.code for c in labelled(name, year))


@lru_cache(maxsize=None)
def labelled(name: str, year: int = SANDBOX_YEAR) -> tuple[Code, ...]:
    """The codes of list `name` current in `year`, with their labels; a missing or empty list is a StandardsError."""
    path: Path = standards_dir() / "codelists" / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StandardsError(f"the sandbox needs code list {name!r} and cannot read {path}: {exc}") from exc
    found = codes_of(data, year) if isinstance(data, dict) else ()
    if not found:
        raise StandardsError(f"code list {name!r} has no codes valid in {year}")
    return found


def code_labelled(name: str, label_start: str) -> Any:
    """The code of list `name` whose label starts with `label_start` (so generated data reads right, e.g. a flat's unit type)."""
    for code in labelled(name):
        if code.label.startswith(label_start):
            return code.code
    raise StandardsError(f"code list {name!r} has no code labelled {label_start!r}...")


def codelist(name: str) -> tuple[Any, ...]:
    """The codes of list `name` valid in the sandbox's year (see `codes`)."""
    return codes(name, SANDBOX_YEAR)


#: The 33 London boroughs (GSS code, name) with two real outward codes each.
BOROUGHS: tuple[tuple[str, str, tuple[str, str]], ...] = tuple(
    (f"E090000{n:02d}", name, outward)
    for n, (name, outward) in enumerate(
        (
            ("City of London", ("EC2V", "EC4M")), ("Barking and Dagenham", ("RM9", "IG11")),
            ("Barnet", ("N3", "EN5")), ("Bexley", ("DA6", "DA15")), ("Brent", ("NW10", "HA9")),
            ("Bromley", ("BR1", "BR6")), ("Camden", ("NW1", "NW5")), ("Croydon", ("CR0", "CR2")),
            ("Ealing", ("W5", "UB6")), ("Enfield", ("EN1", "N13")), ("Greenwich", ("SE10", "SE18")),
            ("Hackney", ("E8", "N16")), ("Hammersmith and Fulham", ("W6", "W12")), ("Haringey", ("N15", "N17")),
            ("Harrow", ("HA1", "HA3")), ("Havering", ("RM1", "RM11")), ("Hillingdon", ("UB8", "UB10")),
            ("Hounslow", ("TW3", "TW4")), ("Islington", ("N1", "N7")), ("Kensington and Chelsea", ("W8", "SW3")),
            ("Kingston upon Thames", ("KT1", "KT2")), ("Lambeth", ("SW2", "SE11")), ("Lewisham", ("SE13", "SE6")),
            ("Merton", ("SW19", "CR4")), ("Newham", ("E6", "E13")), ("Redbridge", ("IG1", "IG4")),
            ("Richmond upon Thames", ("TW9", "TW1")), ("Southwark", ("SE1", "SE15")), ("Sutton", ("SM1", "SM2")),
            ("Tower Hamlets", ("E1", "E14")), ("Waltham Forest", ("E17", "E4")), ("Wandsworth", ("SW18", "SW11")),
            ("Westminster", ("W1", "SW1A")),
        ),
        start=1,
    )
)

#: Letters allowed in the inward part of a postcode (no C, I, K, M, O, V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

STREET_STEMS = (
    "Albion", "Beacon", "Cedar", "Dalston", "Elm", "Fountain", "Garnet", "Hazel", "Ivy", "Juniper",
    "Kestrel", "Laburnum", "Maple", "Nightingale", "Orchard", "Poplar", "Quarry", "Rowan", "Sycamore",
    "Tanner", "Union", "Victoria", "Willow", "Yew", "Acorn", "Brook", "Chestnut", "Dove", "Fern", "Heron",
)
STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Gardens", "Close", "Way", "Place", "Terrace", "Grove")
LOCALITIES = (None, None, "Upper Town", "Lower End", "Park Side", "Riverside")

# Invented name parts combined at random: no real person's data.
GIVEN_NAMES = (
    "Alex", "Sam", "Jo", "Chris", "Robin", "Morgan", "Taylor", "Jordan", "Casey", "Riley", "Avery", "Quinn",
    "Amara", "Bilal", "Chiamaka", "Dmitri", "Eleni", "Farah", "Gustavo", "Hana", "Ibrahim", "Jia", "Kofi", "Leila",
)
FAMILY_NAMES = (
    "Ashdown", "Brookfield", "Carraway", "Dunmore", "Ellesmere", "Fairweather", "Greaves", "Holloway",
    "Ingleby", "Jessop", "Kingsley", "Lockhart", "Marwood", "Netherby", "Oakridge", "Pemberton",
    "Quarrington", "Rushworth", "Stanmore", "Thornbury", "Underhill", "Vickery", "Whitlock", "Yardley",
)
REPAIR_DESCRIPTIONS = (
    "Leaking kitchen tap", "Damp patch on bedroom ceiling", "Front door lock sticks", "Boiler not heating water",
    "Cracked bathroom tile", "Mould around window frame", "Broken extractor fan", "Blocked drain outside",
    "Loose stair handrail", "Electric socket not working",
)

# Free-text values of fields that have no national code list (invented, like the names above).
END_REASONS = ("Tenant gave notice", "Tenant died", "Transferred to another tenancy", "Possession order", "Abandoned")
STATUS_REASONS = ("Appointment booked with tenant", "Parts ordered", "Operative attended")
SUPPORT_NEEDS = ("mental health support", "physical health support", "young person support")
#: The homelessness-stage codes that are duties owed, in the order a case moves through them.
DUTY_STAGES = ("prevention", "relief", "main-duty")
#: Duties that last 56 days (Housing Act 1996 s.195 prevention and s.189B relief).
FIFTY_SIX_DAY_DUTIES = ("prevention", "relief")
#: Synthetic days to a repair's target completion by its priority's rank (most urgent first).
TARGET_DAYS = (1, 1, 7, 28, 90)
