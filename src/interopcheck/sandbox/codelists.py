"""Code-list values and London reference data the sandbox draws its synthetic records from.

Code lists are read from the bundled standards (`standards/codelists/*.json`) so the sandbox and
the checks agree; the built-in values below (identical at the time of writing) are the fallback
when a list is missing.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from interopcheck.resources import standards_dir

_FALLBACK: dict[str, tuple[object, ...]] = {
    "asb-category": ("personal", "nuisance", "environmental"),
    "asb-status": ("open", "investigating", "action-taken", "closed"),
    "hclic-outcome": (
        "secured-accommodation-6-months", "homeless", "contact-lost", "56-days-elapsed",
        "withdrew-or-deceased", "refused-suitable-accommodation", "intentionally-homeless",
        "refused-to-cooperate", "no-longer-eligible", "main-duty-accepted", "other",
    ),
    "hclic-reason-for-loss": (
        "family-friends-no-longer-willing", "end-of-ast-private-rented", "end-of-private-rented-not-ast",
        "end-of-social-rented-tenancy", "domestic-abuse", "non-violent-relationship-breakdown",
        "other-violence-or-harassment", "eviction-from-supported-housing", "left-institution",
        "required-to-leave-home-office-accommodation", "home-no-longer-suitable", "fire-flood-emergency",
        "property-disrepair", "other",
    ),
    "homelessness-stage": ("prevention", "relief", "main-duty"),
    "property-type": ("flat", "maisonette", "bedsit", "house", "bungalow", "shared-flat", "shared-house", "hostel", "other"),
    "rent-transaction-type": (
        "rent-charge", "service-charge", "payment", "housing-benefit", "universal-credit", "adjustment", "refund", "write-off",
    ),
    "repair-priority": (1, 2, 3, 4, 5),
    "repair-status": ("reported", "scheduled", "in-progress", "on-hold", "completed", "cancelled"),
    "tenancy-status": ("pending", "active", "notice-served", "ended"),
    "tenancy-type": (
        "assured-shorthold-fixed-term", "secure-fixed-term", "assured-lifetime", "secure-lifetime",
        "licence-agreement", "periodic", "other",
    ),
    "tenure-type": (
        "social-rent", "affordable-rent", "london-affordable-rent", "rent-to-buy", "london-living-rent",
        "other-intermediate-rent", "shared-ownership", "leasehold", "temporary-accommodation", "market-rent",
    ),
}


@lru_cache(maxsize=None)
def codelist(name: str) -> tuple[object, ...]:
    """The values of code list `name` (e.g. "property-type"), from the standards when bundled."""
    path: Path = standards_dir() / "codelists" / f"{name}.json"
    try:
        values = json.loads(path.read_text(encoding="utf-8")).get("enum")
    except (OSError, ValueError, AttributeError):
        values = None
    if isinstance(values, list) and values:
        return tuple(values)
    return _FALLBACK[name]


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
