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
    "document",
    "household-member",
    "ta-placement",
    "register-application",
    "void",
    "compliance-certificate",
    "complaint",
    "change-event",
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
    Reference("document", "person_id", "person", nullable=True),
    Reference("document", "tenancy_id", "tenancy", nullable=True),
    Reference("document", "property_id", "property", nullable=True),
    Reference("document", "asb_case_id", "asb-case", nullable=True),
    Reference("document", "homelessness_case_id", "homelessness-case", nullable=True),
    Reference("household-member", "person_id", "person"),
    Reference("household-member", "tenancy_id", "tenancy", nullable=True),
    Reference("household-member", "homelessness_case_id", "homelessness-case", nullable=True),
    Reference("ta-placement", "homelessness_case_id", "homelessness-case"),
    Reference("ta-placement", "property_id", "property", nullable=True),
    Reference("register-application", "applicant_id", "person"),
    Reference("register-application", "household_member_ids[]", "person", nullable=True),
    Reference("register-application", "bids[].property_id", "property"),
    Reference("register-application", "offers[].property_id", "property"),
    Reference("void", "property_id", "property"),
    Reference("void", "tenancy_id", "tenancy", nullable=True),
    Reference("compliance-certificate", "property_id", "property"),
    Reference("complaint", "complainant_id", "person", nullable=True),
    Reference("complaint", "property_id", "property", nullable=True),
    Reference("complaint", "tenancy_id", "tenancy", nullable=True),
)
