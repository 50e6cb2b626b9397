"""`check --require-modules` and `--standards-year`: parsed, checked against the profile, exit 2 when wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.cli import main
from interopcheck.engine.options import parse_module_list, parse_standards_year
from interopcheck.errors import UsageError

HERE = Path(__file__).parent
DECLARATION = HERE / "cases" / "homelessness-only.yaml"


def _exit(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    return int(info.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025", 2025), ("2025/26", 2025), (" 2026/27 ", 2026), ("2099/00", 2099), (2024, 2024), (None, None)],
)
def test_standards_year_accepts_start_years_and_collection_years(value: object, expected: int | None) -> None:
    assert parse_standards_year(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "why"), [("2025/27", "27 does not follow 2025"), ("25/26", "is not a year"), ("twenty", "is not a year"), ("2025-26", "is not a year"), ("", "is not a year")])
def test_standards_year_refuses_malformed_years(value: str, why: str) -> None:
    with pytest.raises(UsageError, match=why):
        parse_standards_year(value)


def test_module_list_is_split_trimmed_and_deduplicated() -> None:
    assert parse_module_list("repairs, homelessness,,repairs") == ("repairs", "homelessness")
    assert parse_module_list(None) is None
    with pytest.raises(UsageError, match="names no module"):
        parse_module_list(" , ")


def test_cli_unknown_module_exits_2_with_did_you_mean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _exit(["check", "--spec", "missing.yaml", "--require-modules", "repairs,homeles", "--output-dir", str(tmp_path)], capsys)
    assert code == 2
    assert "--require-modules: unknown module 'homeles'; did you mean 'homelessness'?" in err
    assert not any(tmp_path.iterdir())  # nothing written


def test_cli_malformed_and_unknown_years_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _exit(["check", "--spec", "missing.yaml", "--standards-year", "2025/2026", "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and "--standards-year '2025/2026' is not a year" in err
    code, err = _exit(["check", "--spec", "missing.yaml", "--standards-year", "2022", "--output-dir", str(tmp_path)], capsys)
    assert code == 2 and "--standards-year 2022 is not a year of profile housing" in err and "2023 (2023/24)" in err


def test_cli_unknown_declared_module_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "declaration.yaml"
    bad.write_text(DECLARATION.read_text(encoding="utf-8").replace("modules: [homelessness]", "modules: [homelessness, lettings]"), encoding="utf-8")
    code, err = _exit(["check", "--spec", "missing.yaml", "--declaration", str(bad), "--output-dir", str(tmp_path / "out")], capsys)
    assert code == 2 and "declaration.yaml:6: modules names unknown module 'lettings'" in err


def test_check_help_says_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--require-modules IDS" in text and "else every module of the profile" in text
    assert "--standards-year YEAR" in text and "2025/26" in text and "Default: the profile's standards_year" in text
