"""The glossary defines every technical term the annex uses, and no term the annex does not use."""

from __future__ import annotations

import re

import pytest

from interopcheck.profile.annex_blocks import section_words
from interopcheck.profile.annex_glossary import TERMS
from interopcheck.profile.annex_model import build_annex
from interopcheck.profile.load import load_profile

from .conftest import SCHEMAS, TITLES, borough_profile, core_profile

#: Technical words a procurement officer should not have to look up elsewhere: (how it appears, the entry that defines it).
TECHNICAL = {
    "operationId": "operationId", "problem+json": "problem+json", "NDJSON": "NDJSON", "RFC 4180": "CSV, RFC 4180",
    "FHIR": "FHIR", "OAuth": "OAuth 2.0 client credentials", "client credentials": "OAuth 2.0 client credentials",
    "OpenAPI": "OpenAPI", "UPRN": "UPRN", "USRN": "USRN", "JSON pointer": "JSON pointer", "H-CLIC": "H-CLIC", "CORE": "CORE",
    "ISO 8601": "ISO 8601", "UTF-8": "UTF-8", "JSON:API": "JSON:API", "TLS": "HTTPS, TLS", "YAML": "YAML", "SHA-256": "SHA-256",
    "WCAG": "WCAG", "Cyber Essentials": "Cyber Essentials", "OWASP": "OWASP API Security Top 10", "GDPR": "UK GDPR",
}


def _texts(annex):  # type: ignore[no-untyped-def]
    """(text of the annex less its glossary, the glossary's terms)."""
    glossary = next(s for s in annex.sections if s.title == "Glossary")
    table = glossary.blocks[1]
    terms = [row[0][0] for row in table.rows]
    body = "\n".join(w for s in annex.sections if s is not glossary for w in section_words(s))
    return body, terms


@pytest.fixture(scope="module")
def housing_annex():  # type: ignore[no-untyped-def]
    return build_annex(load_profile("housing", ["profiles/housing/overlays/example-borough.yaml"]), TITLES, load_profile("housing"))


@pytest.mark.parametrize("which", ["housing", "fixture-core", "fixture-borough"])
def test_every_glossary_term_is_used_and_every_used_term_defined(which: str, housing_annex) -> None:  # type: ignore[no-untyped-def]
    annex = {
        "housing": lambda: housing_annex,
        "fixture-core": lambda: build_annex(core_profile(), TITLES, None, SCHEMAS),
        "fixture-borough": lambda: build_annex(borough_profile(), TITLES, core_profile(), SCHEMAS),
    }[which]()
    body, terms = _texts(annex)
    by_name = {t.term: t for t in TERMS}
    unused = [t for t in terms if not by_name[t].used_in(body)]
    assert unused == [], f"glossary terms the annex does not use: {unused}"
    undefined = [word for word, entry in TECHNICAL.items() if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", body) and entry not in terms]
    assert undefined == [], f"terms the annex uses without defining them: {undefined}"
    assert terms == sorted(terms, key=str.casefold)


def test_the_housing_annex_defines_the_terms_the_issue_names(housing_annex) -> None:  # type: ignore[no-untyped-def]
    _, terms = _texts(housing_annex)
    for entry in ("operationId", "problem+json", "NDJSON", "CSV, RFC 4180", "FHIR", "OAuth 2.0 client credentials"):
        assert entry in terms


def test_a_term_is_left_out_when_the_annex_does_not_use_it() -> None:
    _, terms = _texts(build_annex(core_profile(), TITLES, None, SCHEMAS))
    assert "FHIR" not in terms and "UPRN" not in terms and "NDJSON" in terms


def test_named_standards_get_the_or_equivalent_clause(housing_annex) -> None:  # type: ignore[no-untyped-def]
    preamble = housing_annex.sections[0]
    part = next(p for p in preamble.parts if p.title == "Named standards and equivalents")
    named = [item[0] for item in part.blocks[1].items]
    assert "OpenAPI" in named and "UPRN" in named and "CSV, RFC 4180" in named
    assert "sandbox" not in named  # a defined term, not a standard
