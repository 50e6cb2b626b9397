"""The tender annex renders in Markdown and HTML with every requirement, its source and how it is tested."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from interopcheck.errors import UsageError
from interopcheck.model import Level, Mode, Requirement, Source
from interopcheck.profile.load import Profile, load_profile
from interopcheck.profile.render import render_annex

from .conftest import HOUSING

TITLES = {"spec.https-servers": "Servers use HTTPS", "live.reachable": "Sandbox reachable"}


@pytest.fixture(scope="module")
def borough() -> Profile:
    return load_profile("housing", [HOUSING / "overlays" / "example-borough.yaml"])


def _tiny(title: str = "Served <over> HTTPS & more", url: str = "https://example.test/?a=1&b=<2>") -> Profile:
    reqs = (
        Requirement("T-API-01", title, Level.MUST, Mode.STATIC, (Source("Spec \"quoted\" <b>", url),), ("spec.https-servers",), "Text <script>alert(1)</script>", family="API"),
        Requirement("T-ATT-01", "Signed", Level.SHOULD, Mode.ATTESTATION, (Source("Policy"),), (), None, "A promise about the future.", family="ATT"),
    )
    return Profile("tiny", "1", "Tiny", None, reqs, "0" * 64, ("tiny.yaml",))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_annex_has_every_requirement_id(borough: Profile, fmt: str) -> None:
    text = render_annex(borough, fmt, TITLES)
    for req in borough.requirements:
        assert req.id in text, req.id
    assert "HSG-LOCAL-01" in text and "Local requirements" in text
    assert "conformant only when every MUST" in text
    assert "attested" in text and "not applicable" in text


def test_markdown_annex_sections_sources_and_testing(borough: Profile) -> None:
    text = render_annex(borough, "md", TITLES)
    assert text.startswith("# Housing Services interoperability profile, as tendered by Example Borough: interoperability annex")
    assert "## How conformance is tested and reported" in text
    assert "## API design and behaviour" in text and "## Supplier attestations" in text
    section = text.split("### HSG-API-01:", 1)[1].split("###", 1)[0]
    assert "(MUST)" in section
    assert "[GDS and CDDO, API technical and data standards (GOV.UK, last updated 19 July 2024): Secure your API](https://www.gov.uk/guidance/gds-api-technical-and-data-standards)" in section
    assert "Servers use HTTPS (spec.https-servers), checked on the published API description" in section
    att = text.split("### HSG-ATT-01:", 1)[1].split("###", 1)[0]
    assert "Signed attestation by the supplier" in att and "Charging is a commercial term" in att
    exp06 = text.split("### HSG-EXP-06:", 1)[1].split("###", 1)[0]
    assert "(MUST)" in exp06  # the overlay's raised level is what the tender states


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "script":
            self.scripts += 1


def test_html_annex_is_self_contained_and_anchored(borough: Profile) -> None:
    text = render_annex(borough, "html", TITLES)
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in text and "@media print" in text
    parser = _Collector()
    parser.feed(text)
    assert {r.id for r in borough.requirements} <= set(parser.ids)
    assert parser.scripts == 0
    assert not re.search(r'<(link|img|script)[^>]+(src|href)="http', text)  # nothing fetched from the network
    assert "https://loti.london/resources/tender-wording-data-access-api/" in parser.hrefs
    assert "#HSG-API-01" in parser.hrefs


def test_html_escapes_everything() -> None:
    text = render_annex(_tiny(), "html", TITLES)
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "Served &lt;over&gt; HTTPS &amp; more" in text
    assert 'href="https://example.test/?a=1&amp;b=&lt;2&gt;"' in text
    assert "Spec &quot;quoted&quot; &lt;b&gt;" in text


def test_markdown_without_titles_lists_check_ids_and_reasons() -> None:
    text = render_annex(_tiny(title="A | piped title"), "md", {})
    assert "| T-API-01 | MUST | static | A \\| piped title |" in text
    assert "  - spec.https-servers, checked on the published API description" in text
    assert "Not tested by machine: A promise about the future." in text


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown annex format 'pdf'"):
        render_annex(_tiny(), "pdf", {})
