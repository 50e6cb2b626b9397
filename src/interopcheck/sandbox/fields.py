"""The sandbox's field table: every standard field of every entity, with type, format and meaning.

One table drives three things that must agree: the JSON Schemas in the served OpenAPI document,
the CSV export's columns and the data dictionary (`/v1/exports/data-dictionary.json`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from interopcheck.sandbox.codelists import codelist

STANDARDS_BASE = "https://standards.interopcheck.org/entities"
UPRN_PATTERN = "^[0-9]{1,12}$"
USRN_PATTERN = "^[1-9][0-9]{0,7}$"
POSTCODE_PATTERN = (
    "^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


@dataclass(frozen=True)
class Field:
    """One top-level field (and CSV column) of an entity's standard record."""

    name: str
    type: str  # string, integer, number, boolean, date, date-time, object, array (a code list's own type wins)
    description: str
    required: bool = True
    nullable: bool = False
    codelist: str | None = None
    schema: dict[str, Any] | None = None  # explicit JSON Schema for objects, arrays and patterns
    standard: str | None = None  # the standard field a supplier's own field stands for (None: this one, `/name`)

    def column_type(self) -> str:
        """The type the data dictionary gives: a code list's JSON type (its codes may be numbers), else `type`."""
        return _enum(self.codelist)["type"] if self.codelist else self.type

    def json_schema(self) -> dict[str, Any]:
        """The field's JSON Schema (OpenAPI 3.1 dialect)."""
        if self.schema is not None:
            base = dict(self.schema)
        elif self.codelist:
            base = _enum(self.codelist)
        elif self.type in ("date", "date-time"):
            base = {"type": "string", "format": self.type}
        else:
            base = {"type": self.type}
        if self.nullable:
            if "enum" in base:
                return {"anyOf": [base, {"type": "null"}], "description": self.description}
            base["type"] = [base["type"], "null"]
        base["description"] = self.description
        return base


def _s(**kw: Any) -> dict[str, Any]:
    """A string schema with extra keywords."""
    return {"type": "string", **kw}


_DATE = {"type": "string", "format": "date"}
_DATETIME = {"type": "string", "format": "date-time"}
_ID = _s(minLength=1)


def _obj(props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A strict object schema."""
    return {"type": "object", "properties": props, "required": required, "additionalProperties": False}


_ADDRESS = _obj(
    {
        "saon": {"type": ["string", "null"]},
        "paon": _s(minLength=1),
        "street": _s(minLength=1),
        "locality": {"type": ["string", "null"]},
        "town": _s(minLength=1),
        "postcode": _s(pattern=POSTCODE_PATTERN),
        "uprn": _s(pattern=UPRN_PATTERN),
        "usrn": _s(pattern=USRN_PATTERN),
    },
    ["paon", "street", "town", "postcode"],
)


_ORG = _obj({"id": _s(minLength=1), "name": _s(minLength=1)}, [])
_IDS = {"type": "array", "items": _ID}
_CHARGE = {"type": "number", "minimum": 0}


def _enum(name: str) -> dict[str, Any]:
    """A schema of the codes of list `name` (their JSON type taken from the first code)."""
    values = list(codelist(name))
    kind = "integer" if isinstance(values[0], int) else "string"
    return {"type": kind, "enum": values}


def _common(entity: str) -> list[Field]:
    """The id and updated_at fields every entity has."""
    return [
        Field("id", "string", f"Identifier of the {entity} record, unique within the entity.", schema=_ID),
        Field("updated_at", "date-time", "When the record last changed (RFC 3339, UTC)."),
    ]


FIELDS: dict[str, tuple[Field, ...]] = {
    "property": (
        *_common("property"),
        Field("uprn", "string", "Unique Property Reference Number (1-12 digits, no leading zero).", schema=_s(pattern=UPRN_PATTERN)),
        Field("address", "object", "BS 7666 address (saon, paon, street, locality, town, postcode, uprn, usrn).", schema=_ADDRESS),
        Field("usrn", "string", "Unique Street Reference Number of the property's street.", required=False, schema=_s(pattern=USRN_PATTERN)),
        Field(
            "local_authority", "object", "The local authority: GSS code and name.",
            schema=_obj({"gss_code": _s(pattern="^[ENSW][0-9]{8}$"), "name": _s(minLength=1)}, ["gss_code", "name"]),
        ),
        Field("property_type", "string", "Type of unit (CORE lettings code list).", codelist="property-type"),
        Field("tenure_type", "string", "Tenure of the property (code list).", codelist="tenure-type"),
        Field("bedrooms", "integer", "Number of bedrooms.", schema={"type": "integer", "minimum": 0}),
        Field("block", "object", "The block the property is in: id and name.", required=False, schema=_ORG),
        Field("estate", "object", "The estate the property is on: id and name.", required=False, schema=_ORG),
        Field("managing_organisation", "object", "The organisation that manages the property: id and name.", required=False, schema=_ORG),
        Field("owning_organisation", "object", "The organisation that owns the property: id and name.", required=False, schema=_ORG),
        Field("occupancy_status", "string", "Occupied or void (code list).", required=False, codelist="occupancy-status"),
        Field("occupancy_status_reason", "string", "Why the property has its occupancy status.", required=False),
        Field("void_date", "date", "When the property became void, null when occupied.", required=False, nullable=True, schema=_DATE),
    ),
    "person": (
        *_common("person"),
        Field("kind", "string", "person or organisation (absent means person).", required=False, schema=_s(enum=["person", "organisation"])),
        Field("title", "string", "Title.", required=False, schema=_s(minLength=1)),
        Field("given_name", "string", "Given name (with family_name, or use full_name).", required=False, schema=_s(minLength=1)),
        Field("family_name", "string", "Family name.", required=False, schema=_s(minLength=1)),
        Field("full_name", "string", "The whole name in one field (GOV.UK names pattern).", required=False, schema=_s(minLength=1)),
        Field("organisation_name", "string", "Name of an organisation party.", required=False, schema=_s(minLength=1)),
        Field("date_of_birth", "date", "Date of birth (ISO 8601 date), when known.", required=False),
        Field(
            "alerts", "array", "HACT person alerts: alert type (PersonAlertTypeCode) and comments.", required=False,
            schema={"type": "array", "items": _obj({"alert_type": _enum("hact-person-alert-type"), "comments": _s()}, ["alert_type"])},
        ),
        Field("vulnerable", "boolean", "Whether the person is flagged as vulnerable.", required=False),
        Field("vulnerability_details", "string", "What the vulnerability is.", required=False),
        Field("email", "string", "Email address.", required=False, schema=_s(format="email")),
        Field("phone", "string", "Telephone number.", required=False, schema=_s(pattern="^\\+?[0-9 ()-]{7,20}$")),
    ),
    "tenancy": (
        *_common("tenancy"),
        Field("property_id", "string", "The let property (property id).", schema=_ID),
        Field("tenant_ids", "array", "The tenants (person ids, at least one).", schema={"type": "array", "minItems": 1, "items": _ID}),
        Field("household_member_ids", "array", "The other household members (person ids).", required=False, schema=_IDS),
        Field("tenancy_type", "string", "Tenancy type (CORE code list).", codelist="tenancy-type"),
        Field("rent_type", "integer", "Rent type of the letting (CORE rent_type).", required=False, codelist="core-rent-type"),
        Field("rent_period", "integer", "How often the household pays rent and other charges (CORE period).", required=False, codelist="core-rent-period"),
        Field("start_date", "date", "Start of the tenancy."),
        Field("end_date", "date", "End of the tenancy, null while it runs.", nullable=True, schema=_DATE),
        Field("status", "string", "Tenancy status (code list).", codelist="tenancy-status"),
        Field("end_reason", "string", "Why the tenancy ended (free text), null while it runs.", required=False, nullable=True),
        Field("starter", "boolean", "Whether it is a starter (introductory) tenancy (CORE startertenancy).", required=False),
        Field("length_years", "integer", "Length of a fixed term in years (CORE tenancylength).", required=False, schema={"type": "integer", "minimum": 1, "maximum": 99}),
        Field(
            "notices", "array", "Notices served: type, served, expiry, effective and end dates.", required=False,
            schema={"type": "array", "items": _obj({"type": _s(minLength=1), "served_date": _DATE, "expiry_date": _DATE, "effective_date": _DATE, "end_date": {"type": ["string", "null"], "format": "date"}}, ["type", "served_date"])},
        ),
    ),
    "rent-account": (
        *_common("rent account"),
        Field("tenancy_id", "string", "The tenancy the account belongs to (tenancy id).", schema=_ID),
        Field("currency", "string", "ISO 4217 currency, always GBP.", schema={"type": "string", "const": "GBP"}),
        Field("weekly_rent", "number", "Weekly rent charged, in pounds."),
        Field("rent_period", "integer", "The period the charges are for (CORE period).", required=False, codelist="core-rent-period"),
        Field(
            "charges", "object", "Charges per rent period in pounds: rent, service charge, personal service charge, support charge, other charges, total (CORE brent, scharge, pscharge, supcharg, tcharge).",
            required=False, schema=_obj({k: _CHARGE for k in ("rent", "service_charge", "personal_service_charge", "support_charge", "other_charges", "total")}, []),
        ),
        Field("balance", "number", "Account balance, in pounds (positive means arrears)."),
        Field("opened_date", "date", "When the account was opened."),
    ),
    "rent-transaction": (
        *_common("rent transaction"),
        Field("rent_account_id", "string", "The rent account (rent-account id).", schema=_ID),
        Field("date", "date", "Date of the transaction."),
        Field("amount", "number", "Amount in pounds (charges positive, payments negative)."),
        Field("transaction_type", "string", "Transaction type (code list).", codelist="rent-transaction-type"),
    ),
    "repair": (
        *_common("repair"),
        Field("property_id", "string", "The property repaired (property id).", schema=_ID),
        Field("priority", "string", "HACT WorkPriorityCode (code list).", codelist="repair-priority"),
        Field("status", "string", "Current status (code list).", codelist="repair-status"),
        Field(
            "status_history", "array", "Every status the repair has had, with when.",
            schema={"type": "array", "items": _obj({"status": _enum("repair-status"), "at": _DATETIME, "type_code": _enum("hact-job-status-update-type"), "reason": _s(), "comments": _s()}, ["status", "at"])},
        ),
        Field("description", "string", "What needs repairing."),
        Field("raised_at", "date-time", "When the repair was raised (work order created)."),
        Field("reported_at", "date-time", "When the repair was reported (HACT DateReported).", required=False),
        Field("target_completion_at", "date-time", "When it must be completed by (HACT RequiredCompletionDateTime).", required=False),
        Field("completed_at", "date-time", "When it was completed, null until then.", required=False, nullable=True, schema=_DATETIME),
        Field("damp_and_mould", "boolean", "Whether the repair concerns damp or mould.", required=False),
    ),
    "asb-case": (
        *_common("anti-social behaviour case"),
        Field("property_id", "string", "The property concerned (property id), or null.", nullable=True),
        Field("category", "string", "ASB category (code list).", codelist="asb-category"),
        Field("status", "string", "Case status (code list).", codelist="asb-status"),
        Field("opened_date", "date", "When the case was opened."),
        Field("closed_date", "date", "When the case was closed, null while open.", nullable=True, schema=_DATE),
        Field("hate_incident", "boolean", "Whether the case is recorded as a hate incident.", required=False),
        Field(
            "parties", "array", "The parties (person ids) and their roles.", required=False,
            schema={"type": "array", "items": _obj({"party_id": _ID, "role": _enum("asb-party-role")}, ["party_id", "role"])},
        ),
    ),
    "homelessness-case": (
        *_common("homelessness case"),
        Field("applicant_id", "string", "The applicant (person id).", schema=_ID),
        Field("stage", "string", "H-CLIC duty stage.", codelist="homelessness-stage"),
        Field(
            "household", "object", "Household size: adults and children.",
            schema=_obj({"adults": {"type": "integer", "minimum": 1}, "children": {"type": "integer", "minimum": 0}}, ["adults", "children"]),
        ),
        Field("household_member_ids", "array", "The other household members (person ids).", required=False, schema=_IDS),
        Field("reason_for_loss_of_settled_home", "string", "H-CLIC reason for loss of last settled home.", codelist="hclic-reason-for-loss"),
        Field("approach_date", "date", "When the applicant approached the council."),
        Field("support_needs", "array", "Support needs of the household (free text).", required=False, schema={"type": "array", "items": _s(minLength=1)}),
        Field(
            "duties", "array", "Duties owed, in order: duty, start, 56-day target, end.", required=False,
            schema={"type": "array", "items": _obj({"duty": _enum("homelessness-stage"), "start_date": _DATE, "target_date": _DATE, "end_date": {"type": ["string", "null"], "format": "date"},
                                                      "end_reason": {"anyOf": [_enum("hclic-prevention-duty-end"), _enum("hclic-relief-duty-end"), {"type": "null"}]}}, ["duty", "start_date"])},
        ),
        Field(
            "decisions", "array", "H-CLIC main duty decisions (MD1) with date and review.", required=False,
            schema={"type": "array", "items": _obj({"decision": _enum("hclic-main-duty-decision"), "date": _DATE, "review": _obj({"requested_date": _DATE, "decision_date": _DATE, "outcome": _s()}, ["requested_date"])}, ["decision", "date"])},
        ),
    ),
    "leasehold": (
        *_common("leasehold"),
        Field("property_id", "string", "The leasehold property (property id).", schema=_ID),
        Field("leaseholder_id", "string", "The leaseholder (person or organisation id).", schema=_ID),
        Field("joint_leaseholder_ids", "array", "Further leaseholders (person ids).", required=False, schema=_IDS),
        Field("lease_start_date", "date", "Start of the lease."),
        Field("lease_end_date", "date", "End of the lease.", required=False),
        Field("lease_term_years", "integer", "Term of the lease in years.", schema={"type": "integer", "minimum": 1}),
        Field("ground_rent", "number", "Annual ground rent in pounds.", schema={"type": "number", "minimum": 0}),
        Field(
            "service_charges", "array", "Service charges per period.",
            schema={
                "type": "array",
                "items": _obj(
                    {"period_start": _DATE, "period_end": _DATE, "amount": {"type": "number"}, "estimated_amount": _CHARGE, "actual_amount": {"type": ["number", "null"], "minimum": 0}},
                    ["period_start", "period_end", "amount"],
                ),
            },
        ),
    ),
}


def record_schema(entity: str, fields: Sequence[Field] | None = None) -> dict[str, Any]:
    """The strict JSON Schema of one record of `entity` (no unknown fields), from `fields` (default: the standard's)."""
    fields = FIELDS[entity] if fields is None else fields
    return {
        "type": "object",
        "description": f"A {entity} record in the housing standard's shape ({STANDARDS_BASE}/{entity}.json).",
        "properties": {f.name: f.json_schema() for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def data_dictionary(table: Mapping[str, Sequence[Field]] | None = None) -> dict[str, Any]:
    """The data dictionary of the export: every column of every entity of `table` (default: the standard's), with its standard pointer."""
    table = FIELDS if table is None else table
    return {
        "version": "1.0",
        "entities": {
            entity: {
                "standard": f"{STANDARDS_BASE}/{entity}.json",
                "columns": [
                    {
                        "name": f.name,
                        "type": f.column_type(),
                        "description": f.description,
                        "required": f.required,
                        "nullable": f.nullable,
                        "standard": f.standard or f"/{f.name}",
                        **({"codelist": f.codelist} if f.codelist else {}),
                        **({"enum": f.schema["enum"]} if not f.codelist and f.schema and "enum" in f.schema else {}),  # a coded field's codes (HSG-EXP-08)
                    }
                    for f in fields
                ],
            }
            for entity, fields in table.items()
        },
    }
