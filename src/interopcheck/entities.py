"""The housing standard's entities and the references between them (see docs/CONTRACTS.md).

One list shared by the standards loader, the sandbox, the declaration and the export checks,
so referential integrity and "every entity present" mean the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTITIES: tuple[str, ...] = (
    "property",
    "person",
    "tenancy",
    "rent-account",
    "rent-transaction",
    "repair",
    "asb-case",
    "homelessness-case",
    "leasehold",
)


@dataclass(frozen=True)
class Reference:
    """`field` of a record of `entity` holds the id of a record of `target`.

    `name[]` is an array of ids; `name[].key` an array of objects whose `key` holds the id. A nullable
    reference may be null or absent (an optional array may be missing), and so may its entries.
    """

    entity: str
    field: str
    target: str
    nullable: bool = False


REFERENCES: tuple[Reference, ...] = (
    Reference("tenancy", "property_id", "property"),
    Reference("tenancy", "tenant_ids[]", "person"),
    Reference("tenancy", "household_member_ids[]", "person", nullable=True),
    Reference("rent-account", "tenancy_id", "tenancy"),
    Reference("rent-transaction", "rent_account_id", "rent-account"),
    Reference("repair", "property_id", "property"),
    Reference("asb-case", "property_id", "property", nullable=True),
    Reference("asb-case", "parties[].party_id", "person", nullable=True),
    Reference("homelessness-case", "applicant_id", "person"),
    Reference("homelessness-case", "household_member_ids[]", "person", nullable=True),
    Reference("leasehold", "property_id", "property"),
    Reference("leasehold", "leaseholder_id", "person"),
    Reference("leasehold", "joint_leaseholder_ids[]", "person", nullable=True),
)
