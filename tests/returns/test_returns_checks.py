"""The returns checks' decisions that need no sandbox: nothing declared fails, a year with no bundled CORE layout skips."""

from __future__ import annotations

from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.returns_core import returns_core_lettings
from interopcheck.checks.returns_hclic import returns_h_clic
from interopcheck.declaration import Declaration
from interopcheck.model import Status
from interopcheck.standards import load_standards


def _ctx(returns: dict[str, Any], year: int = 2026) -> CheckContext:
    declaration = Declaration.from_dict({"supplier": {"name": "S"}, "entities": {}, "returns": returns})
    return CheckContext(declaration=declaration, standards=load_standards(year), live=object())  # type: ignore[arg-type]


def test_a_return_not_declared_fails() -> None:
    core = returns_core_lettings(_ctx({}))
    assert core.status is Status.FAIL and "returns.core_lettings" in core.summary
    hclic = returns_h_clic(_ctx({"core_lettings": {"url": "/r"}}))
    assert hclic.status is Status.FAIL and "returns.h_clic" in hclic.summary


def test_a_collection_year_without_a_bundled_layout_skips_and_says_which_are() -> None:
    decision = returns_core_lettings(_ctx({"core_lettings": {"url": "/v1/returns/core-lettings"}}, year=2025))
    assert decision.status is Status.SKIP
    assert decision.summary == "no CORE lettings bulk-upload specification is bundled for 2025/26 (bundled: 2026/27)"


def test_the_declaration_carries_its_returns() -> None:
    declaration = Declaration.from_dict({"entities": {}, "returns": {"h_clic": {"url": "/h", "quarter_param": "q"}}})
    assert declaration.returns == {"h_clic": {"url": "/h", "quarter_param": "q"}}
    assert Declaration.from_dict({"entities": {}}).returns == {}


def test_an_unknown_return_in_the_declaration_is_bad_input(tmp_path: Any) -> None:
    import pytest

    from interopcheck.declaration import load_declaration
    from interopcheck.errors import DeclarationError
    from interopcheck.resources import profiles_dir

    path = tmp_path / "declaration.yaml"
    good = (profiles_dir() / "housing" / "declaration.template.yaml").read_text(encoding="utf-8")
    path.write_text(good.replace("  core_lettings: {url:", "  core: {url:"), encoding="utf-8")
    with pytest.raises(DeclarationError, match=r"declaration\.yaml:\d+: .*returns.*core"):
        load_declaration(path)
