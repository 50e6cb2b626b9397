"""A borough overlay's departures from the shared core are found and marked: raised, lowered, added, removed, changed."""

from __future__ import annotations

from pathlib import Path

from interopcheck.model import Level
from interopcheck.profile.annex_departures import departures
from interopcheck.profile.load import load_profile
from interopcheck.profile.render import render_annex

from .conftest import borough_profile, core_profile

OVERLAY = Path("profiles/housing/overlays/example-borough.yaml")


def test_every_kind_of_departure_is_found() -> None:
    found = {d.requirement_id: d for d in departures(core_profile(), borough_profile())}
    assert {k: d.kind for k, d in found.items()} == {"FX-API-01": "lowered", "FX-EXP-01": "raised", "FX-LOCAL-01": "added", "FX-API-02": "removed"}
    assert found["FX-API-01"].fields == ("description",)
    assert found["FX-EXP-01"].core_level is Level.SHOULD and found["FX-EXP-01"].level is Level.MUST
    assert list(found)[-1] == "FX-API-02"  # removals come last: they have no place in the tender's order


def test_a_profile_compared_with_itself_has_no_departures() -> None:
    assert departures(core_profile(), core_profile()) == ()


def test_a_reworded_requirement_is_changed(tmp_path: Path) -> None:
    overlay = tmp_path / "reword.yaml"
    overlay.write_text("id: reword\nversion: '1'\nextends: housing\noverrides:\n  HSG-API-03:\n    title: A reworded title\nremove: [HSG-API-23]\n", encoding="utf-8")
    found = {d.requirement_id: d for d in departures(load_profile("housing"), load_profile("housing", [overlay]))}
    assert found["HSG-API-03"].kind == "changed" and found["HSG-API-03"].fields == ("title",)
    assert found["HSG-API-23"].kind == "removed"


def test_the_example_borough_annex_marks_its_departures() -> None:
    core, borough = load_profile("housing"), load_profile("housing", [OVERLAY])
    md = render_annex(borough, "md", {}, core)
    table = md.split("## Departures from the shared core", 1)[1].split("\n## ", 1)[0]
    assert "| HSG-EXP-06 | raised | Incremental extracts of changes since a time are available | raised from SHOULD in the shared core to MUST; also changed: change record, description, statement |" in table
    assert "| HSG-LOCAL-01 | added |" in table
    exp06 = md.split("HSG-EXP-06: Incremental extracts", 1)[1].split("\n### ", 1)[0]
    assert "- **Departure:** raised from SHOULD in the shared core to MUST" in exp06
    html = render_annex(borough, "html", {}, core)
    assert '<span class="departure">raised</span>' in html and '<span class="departure">added</span>' in html


def test_without_the_core_there_is_no_departures_section() -> None:
    md = render_annex(load_profile("housing", [OVERLAY]), "md", {})
    assert "## Departures from the shared core" not in md and "**Departure:**" not in md
