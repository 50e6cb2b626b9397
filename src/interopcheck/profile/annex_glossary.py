"""The glossary of the tender annex: every technical term the annex uses, defined once in plain words.

The catalogue below is larger than any one annex: the annex's glossary holds exactly the terms whose
pattern occurs in the rest of the annex (a term defined but unused is noise to a procurement officer,
one used but undefined is a question at clarification). `standard` marks the named standards that the
"or equivalent" clause covers. Definitions name the document that defines the term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One glossary entry: the term as shown, its definition, and the pattern that finds it in text."""

    term: str
    definition: str
    pattern: str
    standard: bool = False  # a named standard: "or equivalent" applies

    def used_in(self, text: str) -> bool:
        """Whether the annex text uses this term."""
        return re.search(self.pattern, text) is not None


TERMS: tuple[Term, ...] = (
    Term("API", "Application programming interface: the way one computer system asks another for data or asks it to act, here over HTTP.", r"\bAPIs?\b"),
    Term("API key", "A fixed secret string a client sends with each request to identify itself to an API.", r"\bAPI keys?\b"),
    Term("BS 7666", "The British Standard for land and property gazetteers and street gazetteers, on which UPRNs and USRNs rest.", r"\bBS ?7666\b", standard=True),
    Term("bearer token", "An access token sent in the HTTP Authorization header (RFC 6750); whoever holds it may use it, so it is kept secret and expires.", r"\b[Bb]earer\b"),
    Term("code list", "A fixed list of codes, each with a label, that a field may take (for example CORE's tenancy types). Appendix A lists them.", r"\bcode lists?\b"),
    Term("CORE", "The statutory collection of data on new social housing lettings and sales, run by the Ministry of Housing, Communities and Local Government (MHCLG); its questions and answer codes are used by the data standard.", r"\bCORE\b", standard=True),
    Term("CSV, RFC 4180", "Comma-separated values as specified by RFC 4180: one record per line, fields separated by commas and enclosed in double quotes when they contain commas, quotes or line breaks.", r"\bCSV\b|RFC ?4180", standard=True),
    Term("Content-Disposition", "The HTTP response header that tells the client the response is a file to save, and the file's name.", r"Content-Disposition"),
    Term("Cyber Essentials", "A UK government-backed certification of basic cyber security controls; Cyber Essentials Plus adds an independent technical audit.", r"Cyber Essentials", standard=True),
    Term("data dictionary", "A machine-readable document that defines every column of the export: its type, its meaning and its code list.", r"\bdata dictionar(y|ies)\b"),
    Term("declaration", "The supplier's declaration: a YAML file, filled in from the template in Appendix B, that says where the product's API, records and export are and carries the supplier's signed attestations.", r"\bdeclarations?\b"),
    Term("entity", "One kind of record of the data standard (property, person, tenancy, repair and the others listed in Appendix A).", r"\bentit(y|ies)\b"),
    Term("FHIR", "HL7 Fast Healthcare Interoperability Resources, a health data standard. Its Bulk Data Access specification defines an asynchronous export job (a kick-off request, status polling, NDJSON files), which this annex borrows.", r"\bFHIR\b", standard=True),
    Term("GSS code", "The nine-character code the Government Statistical Service (ONS) gives an area, such as a local authority (E09000012).", r"\bGSS\b"),
    Term("H-CLIC", "Homelessness Case Level Information Collection: the statutory quarterly return of local authorities' homelessness cases to MHCLG; its codes are used by the data standard.", r"\bH-CLIC\b", standard=True),
    Term("HACT", "HACT's UK Housing Data Standards (developed with OSCRE): a data model and messages for social housing, including repairs.", r"\bHACT\b", standard=True),
    Term("HTTP status code", "The three-digit number an HTTP response starts with: 2xx success, 4xx the client's error, 5xx the server's error.", r"\bstatus codes?\b"),
    Term("HTTPS, TLS", "HTTP over Transport Layer Security (TLS), which encrypts traffic between the client and the API and proves the server's identity.", r"\bHTTPS\b|\bTLS\b", standard=True),
    Term("incremental extract", "An export of only the records created, changed or deleted since a given time, so a warehouse can be refreshed without a full copy.", r"\bincremental\b"),
    Term("interopcheck", "The open-source tool (MIT licence) the council uses to run the tests in this annex, with the profile named on the first page.", r"\binteropcheck\b"),
    Term("ISO 8601", "The international standard for writing dates and times, such as 2026-04-01 and 2026-04-01T09:30:00Z.", r"ISO ?8601", standard=True),
    Term("JSON", "JavaScript Object Notation (RFC 8259): a text format for structured data, used by the API's requests and responses.", r"\bJSON\b(?![: ]API|[ -][Ss]chema| pointer)"),
    Term("JSON pointer", "A way of naming one value inside a JSON document (RFC 6901): /address/postcode is the postcode member of the address member.", r"JSON pointer|\bpointers?\b"),
    Term("JSON Schema", "A vocabulary for describing the structure of JSON data; the data standard's entities and code lists are published as JSON Schema files.", r"JSON[ -]Schema"),
    Term("JSON:API", "A published specification for APIs in JSON (jsonapi.org) that, among other things, puts a response's data in a top-level object rather than a bare array.", r"JSON:API", standard=True),
    Term("Link header", "An HTTP response header (RFC 8288) that points to related URLs, such as the next page of a list.", r"\bLink header"),
    Term("media type", "The name of a format on the web, such as application/json or text/csv, sent in the Content-Type header.", r"\bmedia types?\b|Content-Type"),
    Term("NDJSON", "Newline-delimited JSON: one JSON record per line of a file, so a large export can be read record by record.", r"\bNDJSON\b", standard=True),
    Term("NHS number", "The ten-digit number that identifies a patient in the NHS in England and Wales; its last digit is a check digit.", r"NHS numbers?"),
    Term("National Insurance number", "The reference number of a person's National Insurance account (two letters, six digits, one letter).", r"National Insurance numbers?"),
    Term("OAuth 2.0 client credentials", "OAuth 2.0 (RFC 6749) is the standard way an API issues access tokens; with the client credentials grant (RFC 6749 section 4.4) one system obtains a token with its own client id and secret, with no person logging in.", r"\bOAuth\b|client[- ]credentials", standard=True),
    Term("OpenAPI", "The OpenAPI Specification (OpenAPI Initiative): a machine-readable format for describing an HTTP API, its operations, parameters and responses.", r"\bOpenAPI\b", standard=True),
    Term("operationId", "The unique name an OpenAPI description gives one operation of the API, such as listProperties.", r"\boperationIds?\b"),
    Term("OWASP API Security Top 10", "The Open Worldwide Application Security Project's list of the ten most critical security risks of APIs.", r"\bOWASP\b", standard=True),
    Term("overlay", "A borough's file that adds to, removes from or changes the shared profile for its own tender; departures from the shared core are marked in this annex.", r"\boverlays?\b"),
    Term("pagination", "Splitting a long list into pages that the client fetches one after another, following a link or cursor to the next page.", r"\bpaginat(ion|ed|e)\b"),
    Term("problem+json", "The media type application/problem+json of Problem Details for HTTP APIs (RFC 9457, which replaced RFC 7807): a standard JSON body that describes an error.", r"problem\+json|Problem Details", standard=True),
    Term("profile", "The versioned register of requirements this annex is rendered from; every test report names the profile's version and SHA-256.", r"\bprofiles?\b"),
    Term("rate limit", "The most requests a client may make in a period; beyond it the API answers 429 Too Many Requests, often with a Retry-After header.", r"\brate[- ]limit|\b429\b|Retry-After"),
    Term("RFC", "Request for Comments: a numbered technical document published by the Internet Engineering Task Force (IETF); many internet standards are RFCs.", r"\bRFCs?\b"),
    Term("RFC 2119", "The IETF document (BCP 14) that fixes the meaning of MUST, SHOULD and MAY in requirements.", r"RFC ?2119"),
    Term("sandbox", "A test copy of the product, reachable over HTTPS and holding test data only, on which the council runs the live and export tests.", r"\bsandbox(es)?\b"),
    Term("SHA-256", "A cryptographic hash function: a file's SHA-256 digest changes if any byte of the file changes, so it pins a file's exact content.", r"\bSHA-?256\b|\bsha256\b"),
    Term("UK GDPR", "The United Kingdom General Data Protection Regulation, with the Data Protection Act 2018 the law on processing personal data.", r"\bGDPR\b"),
    Term("UPRN", "Unique Property Reference Number: the identifier of every addressable location in Great Britain, maintained by GeoPlace; a government open standard.", r"\bUPRNs?\b", standard=True),
    Term("USRN", "Unique Street Reference Number: the identifier of every street in Great Britain, maintained by GeoPlace; a government open standard.", r"\bUSRNs?\b", standard=True),
    Term("UTF-8", "The standard character encoding of Unicode text, which carries every alphabet's letters.", r"UTF-8", standard=True),
    Term("WCAG", "The Web Content Accessibility Guidelines published by the W3C, whose success criteria come in three levels: A, AA and AAA.", r"\bWCAG\b", standard=True),
    Term("X- headers", "HTTP header names starting with X-, a convention for non-standard headers that RFC 6648 deprecates.", r"\bX-[A-Za-z]|\bX- header"),
    Term("YAML", "A plain-text format for structured data (yaml.org), used for the supplier's declaration.", r"\bYAML\b"),
)


def used_terms(text: str, terms: Iterable[Term] = TERMS) -> tuple[Term, ...]:
    """The terms of `terms` that `text` uses, in alphabetical order (case-insensitive) as a glossary lists them."""
    return tuple(sorted((t for t in terms if t.used_in(text)), key=lambda t: t.term.casefold()))


def named_standards(text: str) -> tuple[Term, ...]:
    """The named standards `text` uses: what the "or equivalent" clause is about."""
    return tuple(t for t in used_terms(text) if t.standard)
