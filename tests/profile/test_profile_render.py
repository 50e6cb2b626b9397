"""The tender annex renders in Markdown and HTML with every requirement (numbered), its source and how it is tested,
the preamble's settings (or the gaps the council fills), the test process and the appendices."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from interopcheck.errors import ProfileError, UsageError
from interopcheck.model import Level, Mode, Requirement, Source
from interopcheck.profile.load import Profile, load_profile
from interopcheck.profile.render import render_annex, split_annex_formats

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
    section = text.split("### 1. HSG-API-01:", 1)[1].split("###", 1)[0]
    assert "(MUST)" in section
    assert "[GDS and CDDO, API technical and data standards (GOV.UK, last updated 19 July 2024): Secure your API](https://www.gov.uk/guidance/gds-api-technical-and-data-standards)" in section
    assert "Servers use HTTPS (spec.https-servers), checked on the published API description" in section
    att = text.split(" HSG-ATT-01:", 1)[1].split("###", 1)[0]
    assert "Signed attestation by the supplier" in att and "Charging is a commercial term" in att
    exp06 = text.split(" HSG-EXP-06:", 1)[1].split("###", 1)[0]
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
    assert "| 1 | T-API-01 | MUST | static | A \\| piped title |" in text
    assert "  - spec.https-servers, checked on the published API description" in text
    assert "Not tested by machine: A promise about the future." in text


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown annex format 'pdf'"):
        render_annex(_tiny(), "pdf", {})
    with pytest.raises(UsageError, match="unknown annex format pdf"):
        split_annex_formats("md,pdf")
    assert split_annex_formats(" MD, html,md,docx ") == ("md", "html", "docx")


def test_requirements_are_numbered_in_order(borough: Profile) -> None:
    text = render_annex(borough, "md", TITLES)
    for number, req in enumerate(borough.requirements, 1):
        assert f"\n### {number}. {req.id}: {req.title} ({req.level.value})\n" in text
        assert f"\n| {number} | {req.id} | {req.level.value} |" in text


def test_the_base_profile_leaves_the_borough_settings_as_gaps() -> None:
    text = render_annex(load_profile("housing"), "md", TITLES)
    preamble = text.split("## Preamble", 1)[1].split("\n## ", 1)[0]
    assert "[To be completed by the council: say whether failing a MUST requirement disqualifies a tender" in preamble
    assert "“describe how tenders are to be assessed by reference to them and, in particular, specify whether failure to meet one or more criteria would disqualify a tender (the “assessment methodology”)”" in preamble
    assert "https://www.legislation.gov.uk/ukpga/2023/54/section/23/enacted" in preamble
    assert "will be treated as having satisfied the United Kingdom standard." in preamble
    process = text.split("## Test process", 1)[1].split("\n## ", 1)[0]
    assert process.count("[To be completed by the council:") == 7
    assert "interopcheck " in process and "profile housing version" in process


def test_the_overlay_fills_the_settings(borough: Profile) -> None:
    text = render_annex(borough, "md", TITLES)
    preamble = text.split("## Preamble", 1)[1].split("\n## ", 1)[0]
    assert "Buyer: Example Borough Council." in preamble
    assert "Failing a MUST requirement disqualifies a tender" in preamble and "To be completed" not in preamble
    assert "| 2 | Homelessness and housing options | homelessness |" in text
    process = text.split("## Test process", 1)[1].split("\n## ", 1)[0]
    assert "To be completed" not in process and "at least 200 records of each entity" in process


def test_a_lot_naming_an_unknown_module_is_bad_input(tmp_path) -> None:  # type: ignore[no-untyped-def]
    overlay = tmp_path / "lots.yaml"
    overlay.write_text("id: lots\nversion: '1'\nextends: housing\nannex:\n  lots:\n    - {id: A, title: T, modules: [repairz]}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="annex lot 'A' names unknown module 'repairz'"):
        render_annex(load_profile("housing", [overlay]), "md", {})


def test_an_annex_setting_outside_the_schema_names_its_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    overlay = tmp_path / "bad.yaml"
    overlay.write_text("id: bad\nversion: '1'\nextends: housing\nannex:\n  failed_must: sometimes\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.yaml:5"):
        load_profile("housing", [overlay])


def test_appendices_hold_the_data_standard_and_the_declaration_template(borough: Profile) -> None:
    text = render_annex(borough, "md", TITLES)
    appendix = text.split("## Appendix A: the data standard", 1)[1].split("\n## Appendix B", 1)[0]
    assert "### Entity: repair" in appendix and "| priority | code | yes | repair-priority |" in appendix
    assert "### Code list: repair-priority" in appendix and "| 1 | Immediate |" in appendix
    template = (HOUSING / "declaration.template.yaml").read_text(encoding="utf-8")
    assert "```yaml\n" + template.rstrip("\n") + "\n```" in text
    assert "interopcheck declaration init --profile housing" in text
