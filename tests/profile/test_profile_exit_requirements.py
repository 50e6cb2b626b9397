"""HSG-DATA-16..23 (issue 14) carry the contract's register fields and cite what they quote.

Read from profile.yaml directly: the loader keeps only the fields the engine uses, and the register fields
must be present even before profile.schema.json requires them.
"""

from __future__ import annotations

import yaml

from .conftest import HOUSING

IDS = [f"HSG-DATA-{n}" for n in range(16, 24)]


def _requirements() -> dict[str, dict]:
    data = yaml.safe_load((HOUSING / "profile.yaml").read_text(encoding="utf-8"))
    return {r["id"]: r for r in data["requirements"] if r["id"] in IDS}


def test_each_new_data_requirement_has_the_register_fields() -> None:
    reqs = _requirements()
    assert sorted(reqs) == IDS
    for rid, req in reqs.items():
        assert req["statement"].startswith("The Supplier's API ") and f" {req['level']} " in req["statement"], rid
        assert (req["actor"], req["since"], req["status"]) == ("system", "1.2.0", "active"), rid
        assert req["evidence"] == {"method": "machine-check", "stages": ["selection", "acceptance", "annual-retest"]}, rid
        for source in req["source"]:
            assert (source.get("quote") and source.get("anchor")) or source.get("unverified"), (rid, source["citation"])


def test_levels_follow_the_sources() -> None:
    """MUST where a statutory return, code or the exit clause needs the records; the change history has no such source."""
    reqs = _requirements()
    assert {rid: r["level"] for rid, r in reqs.items()} == {**dict.fromkeys(IDS[:-1], "MUST"), "HSG-DATA-23": "SHOULD"}
    assert "no source read" in reqs["HSG-DATA-23"]["description"]
