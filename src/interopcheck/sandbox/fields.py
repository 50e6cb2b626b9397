"""The sandbox's field table: every standard field of every entity, with type, format and meaning.

One table drives three things that must agree: the JSON Schemas in the served OpenAPI document,
the CSV export's columns and the data dictionary (`/v1/exports/data-dictionary.json`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from interopcheck.entities import ENTITIES
from interopcheck.sandbox.codelists import codelist

STANDARDS_BASE = "https://standards.interopcheck.org/entities"
GSS_PATTERN = "^[ENSW][0-9]{8}$"
MEDIA_TYPE_PATTERN = "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\\s*;.*)?$"
#: What happened to a register application's offer; and the actions of a change event (the contract's lists).
OFFER_OUTCOMES = ("accepted", "refused", "pending", "withdrawn")
CHANGE_ACTIONS = ("create", "update", "delete")
UPRN_PATTERN = "^[0-9]{1,12}$"
USRN_PATTERN = "^[1-9][0-9]{0,7}$"
POSTCODE_PATTERN = (
    "^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


@dataclass(frozen=True)
class Field:
    """One top-level field (and CSV column) of an entity's standard record."""

    name: str
    type: str  # string, integer, number, boolean, date, date-time, object, array (a code list's own type wins, except for an array of codes)
    description: str
    required: bool = True
    nullable: bool = False
    codelist: str | None = None
    schema: dict[str, Any] | None = None  # explicit JSON Schema for objects, arrays and patterns
    standard: str | None = None  # the standard field a supplier's own field stands for (None: this one, `/name`)

    def column_type(self) -> str:
        """The type the data dictionary gives: a code list's JSON type (its codes may be numbers), else `type`."""
        return _enum(self.codelist)["type"] if self.codelist and self.type != "array" else self.type

    def json_schema(self) -> dict[str, Any]:
        """The field's JSON Schema (OpenAPI 3.1 dialect)."""
        if self.schema is not None:
            base = dict(self.schema)
        elif self.codelist and self.type == "array":  # several codes of the list
            base = {"type": "array", "items": _enum(self.codelist), "uniqueItems": True}
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


def _ref(name: str, target: str, description: str) -> Field:
    """An optional, nullable reference to a record of `target`."""
    return Field(name, "string", f"{description} ({target} id), or null.", required=False, nullable=True, schema=_ID)


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

    "document": (
        *_common("document"),
        Field("document_type", "string", "Kind of document (code list): case note, letter, photo, tenancy agreement...", codelist="document-type"),
        Field("title", "string", "Title of the document.", schema=_s(minLength=1)),
        Field("created_at", "date-time", "When the document was created (RFC 3339, UTC)."),
        Field("author", "string", "Who wrote or uploaded it (user id or name).", schema=_s(minLength=1)),
        Field("media_type", "string", "Media type of the content (e.g. application/pdf; text/plain for a case note).", schema=_s(pattern=MEDIA_TYPE_PATTERN)),
        Field("byte_count", "integer", "Size of the content in bytes.", schema={"type": "integer", "minimum": 0}),
        Field("download_url", "string", "Where the content is downloaded (absolute, or relative to the API base).", schema=_s(format="uri-reference", minLength=1)),
        Field("sha256", "string", "SHA-256 of the content (hex), when known.", required=False, nullable=True, schema=_s(pattern="^[0-9a-fA-F]{64}$")),
        _ref("person_id", "person", "The person the document is about"),
        _ref("tenancy_id", "tenancy", "The tenancy it belongs to"),
        _ref("property_id", "property", "The property it concerns"),
        _ref("asb_case_id", "asb-case", "The anti-social behaviour case it belongs to"),
        _ref("homelessness_case_id", "homelessness-case", "The homelessness case it belongs to"),
    ),
    "household-member": (
        *_common("household member"),
        Field("person_id", "string", "The member (person id).", schema=_ID),
        _ref("tenancy_id", "tenancy", "The tenancy whose household this is"),
        _ref("homelessness_case_id", "homelessness-case", "The homelessness case whose household this is"),
        Field("relationship", "string", "Relationship to the lead tenant (CORE relat2..relat8); null for the lead tenant.", nullable=True, codelist="core-relationship"),
        Field("lead_tenant", "boolean", "Whether the member is the lead tenant (or lead applicant)."),
        Field("contract_holder", "boolean", "Whether the member holds the tenancy (a joint tenant)."),
        Field("start_date", "date", "When the member joined the household.", required=False, nullable=True, schema=_DATE),
        Field("end_date", "date", "When the member left, null while a member.", required=False, nullable=True, schema=_DATE),
    ),
    "ta-placement": (
        *_common("temporary accommodation placement"),
        Field("homelessness_case_id", "string", "The homelessness case placed (homelessness-case id).", schema=_ID),
        Field("accommodation_type", "string", "Type of temporary accommodation (H-CLIC / live table TA1 category).", codelist="hclic-ta-type"),
        _ref("property_id", "property", "The council's own property used, if any"),
        Field("provider", "string", "Who provides the accommodation.", schema=_s(minLength=1)),
        Field("start_date", "date", "When the placement started."),
        Field("end_date", "date", "When it ended, null while it lasts.", required=False, nullable=True, schema=_DATE),
        Field("cost_amount", "number", "Cost per cost period, in pounds.", schema=_CHARGE),
        Field("cost_period", "string", "The period the cost is for (code list: night, week).", codelist="ta-cost-period"),
        Field("placing_authority_gss_code", "string", "GSS code of the placing authority.", required=False, nullable=True, schema=_s(pattern=GSS_PATTERN)),
        Field("out_of_borough_gss_code", "string", "GSS code of the authority placed in, null when placed in borough.", required=False, nullable=True, schema=_s(pattern=GSS_PATTERN)),
    ),
    "register-application": (
        *_common("housing register application"),
        Field("applicant_id", "string", "The applicant (person id).", schema=_ID),
        Field("household_member_ids", "array", "The other members of the applicant's household (person ids).", required=False, schema=_IDS),
        Field("application_date", "date", "When the application was made."),
        Field("status", "string", "Status of the application (code list).", codelist="register-application-status"),
        Field("reasonable_preference", "string", "Whether the household has reasonable preference (CORE reasonpref).", codelist="core-reasonable-preference"),
        Field("reasonable_preference_categories", "array", "Reasonable preference categories (CORE rp_* questions).", codelist="core-reasonable-preference-category"),
        Field("allocation_routes", "array", "Allocation routes (CORE letting_allocation).", codelist="core-letting-allocation"),
        Field("band", "string", "Band in the local allocation scheme.", required=False, nullable=True),
        Field(
            "bids", "array", "Bids placed: property, date and queue position.",
            schema={"type": "array", "items": _obj({"property_id": _ID, "bid_date": _DATE, "position": {"type": ["integer", "null"], "minimum": 1}}, ["property_id", "bid_date"])},
        ),
        Field(
            "offers", "array", "Offers made: property, date, outcome and reason for a refusal.",
            schema={"type": "array", "items": _obj({"property_id": _ID, "offer_date": _DATE, "outcome": _s(enum=list(OFFER_OUTCOMES)), "refusal_reason": {"type": ["string", "null"]}}, ["property_id", "offer_date", "outcome"])},
        ),
    ),
    "void": (
        *_common("void"),
        Field("property_id", "string", "The void property (property id).", schema=_ID),
        Field("void_date", "date", "When the property became void (CORE voiddate)."),
        Field("reason_for_vacancy", "string", "Why the property was vacant (CORE rsnvac).", codelist="core-reason-for-vacancy"),
        Field("major_repairs_date", "date", "When major repairs were completed, if any (CORE mrcdate).", required=False, nullable=True, schema=_DATE),
        Field("void_end_date", "date", "When the void ended, null while void.", required=False, nullable=True, schema=_DATE),
        Field("let_date", "date", "When the property was let, null until then.", required=False, nullable=True, schema=_DATE),
        _ref("tenancy_id", "tenancy", "The tenancy the property was let to"),
    ),
    "compliance-certificate": (
        *_common("compliance certificate"),
        Field("property_id", "string", "The property certified (property id).", schema=_ID),
        Field("certificate_type", "string", "Kind of certificate or assessment (code list).", codelist="compliance-certificate-type"),
        Field("issued_date", "date", "When it was issued."),
        Field("expiry_date", "date", "When it expires, if it does.", required=False, nullable=True, schema=_DATE),
        Field("issuer", "string", "Who issued it (engineer, assessor or firm).", schema=_s(minLength=1)),
        Field("status", "string", "Status (code list): valid, expired, remedial action required.", codelist="certificate-status"),
    ),
    "complaint": (
        *_common("complaint"),
        _ref("complainant_id", "person", "Who complained"),
        _ref("property_id", "property", "The property the complaint concerns"),
        _ref("tenancy_id", "tenancy", "The tenancy the complaint concerns"),
        Field("stage", "string", "Stage of the complaints process (Housing Ombudsman Complaint Handling Code).", codelist="complaint-stage"),
        Field("received_date", "date", "When the complaint was received at this stage."),
        Field("acknowledged_date", "date", "When it was acknowledged.", required=False, nullable=True, schema=_DATE),
        Field("response_due_date", "date", "When the response is due under the Code.", required=False, nullable=True, schema=_DATE),
        Field("response_date", "date", "When the response was sent, null until then.", required=False, nullable=True, schema=_DATE),
        Field("within_timescale", "boolean", "Whether it was answered within the Code's timescale, null while open.", required=False, nullable=True),
        Field("category", "string", "What the complaint is about (free text).", required=False, nullable=True),
    ),
    "change-event": (
        *_common("change event"),
        Field("entity", "string", "The entity of the record changed.", schema=_s(enum=list(ENTITIES))),
        Field("record_id", "string", "The id of the record changed (it may since have been deleted).", schema=_ID),
        Field("action", "string", "What happened: create, update or delete.", schema=_s(enum=list(CHANGE_ACTIONS))),
        Field("field", "string", "The standard field changed, as a JSON pointer (updates only).", required=False, nullable=True, schema=_s(pattern="^(/([^~/]|~[01])*)*$")),
        Field("changed_at", "date-time", "When the change was made (RFC 3339, UTC)."),
        Field("changed_by", "string", "Who made it (user id or name).", schema=_s(minLength=1)),
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
                    }
                    for f in fields
                ],
            }
            for entity, fields in table.items()
        },
    }
