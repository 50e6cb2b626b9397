"""config.py: finding, reading and validating interopcheck.toml and [tool.interopcheck], and the report's settings record."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.cli import check
from interopcheck.cli.options import option_names
from interopcheck.config import Config, env_var, find_config, load_config, option_keys, settings_record
from interopcheck.errors import InputError


def test_the_schema_names_every_option_of_check_and_nothing_else() -> None:
    options = set(option_names(check)) - {"config"}
    assert set(option_keys()) == options, f"config.schema.json lacks {sorted(options - set(option_keys()))}, has extra {sorted(set(option_keys()) - options)}"


def test_every_option_of_check_has_its_interopcheck_variable() -> None:
    for key, name in option_names(check).items():
        param = next(p for p in check.params if p.name == name)
        assert param.envvar == env_var(key), key
    assert env_var("base-url") == "INTEROPCHECK_BASE_URL"


def test_interopcheck_toml_wins_over_pyproject_and_an_explicit_path_over_both(tmp_path: Path) -> None:
    assert find_config(None, tmp_path) is None
    (tmp_path / "pyproject.toml").write_text("[tool.interopcheck]\nrate = 2\n")
    assert find_config(None, tmp_path) == tmp_path / "pyproject.toml"
    (tmp_path / "interopcheck.toml").write_text("rate = 3\n")
    assert find_config(None, tmp_path) == tmp_path / "interopcheck.toml"
    other = tmp_path / "ci.toml"
    other.write_text("rate = 4\n")
    assert find_config(other, tmp_path) == other
    with pytest.raises(InputError, match="--config .*missing.toml: no such file"):
        find_config(tmp_path / "missing.toml", tmp_path)


def test_a_pyproject_without_the_table_is_no_config_unless_named(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'x'\n")
    assert load_config(path) is None
    with pytest.raises(InputError, match=r"has no \[tool.interopcheck\] table"):
        load_config(path, required=True)


def test_values_read_as_the_command_line_gives_them_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "ci"
    folder.mkdir()
    path = folder / "interopcheck.toml"
    path.write_text(
        'spec = "openapi.yaml"\nformat = ["json", "md"]\nrequire-modules = ["repairs"]\noverlay = "overlay.yaml"\n'
        'output-dir = "out"\nprofile = "housing"\nbase-url = "https://sandbox.example"\nca-bundle = "/etc/ca.pem"\n'
    )
    config = load_config(path)
    assert config is not None and config.label == str(path)
    assert config.values == {
        "spec": str(folder / "openapi.yaml"),
        "format": "json,md",
        "require-modules": "repairs",
        "overlay": [str(folder / "overlay.yaml")],
        "output-dir": str(folder / "out"),
        "profile": "housing",
        "base-url": "https://sandbox.example",
        "ca-bundle": "/etc/ca.pem",
    }


def test_a_relative_config_path_keeps_paths_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("interopcheck.toml").write_text('spec = "openapi.yaml"\n')
    config = load_config(Path("interopcheck.toml"))
    assert config is not None and config.values == {"spec": "openapi.yaml"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('rate = 2\nbase_url = "https://x.example"\n', r"interopcheck.toml:2: unknown key 'base_url' \(did you mean 'base-url'\?\)"),
        ("formats = 'json'\n", r"interopcheck.toml:1: unknown key 'formats' \(did you mean 'format'\?\)"),
        ("zzz = 1\n", r"unknown key 'zzz' \(see 'interopcheck check --help' for the options\)"),
        ('rate = "fast"\n', r"interopcheck.toml:1: 'rate' = 'fast' is not valid: 'fast' is not of type 'number'"),
        ("sample = 0\n", r"'sample' = 0 is not valid: 0 is less than the minimum of 1"),
        ("format = 3\n", r"'format' = 3 is not valid: give comma-separated text or a list of strings"),
        ('token-env = "abc def"\n', r"'token-env' = 'abc def' is not valid: give the name of an environment variable"),
        ('base-url = "sandbox.example"\n', r"'base-url' = 'sandbox.example' is not valid: give an http\(s\) URL"),
        ('fail-on = "may"\n', r"'fail-on' = 'may' is not valid"),
        ('spec = "x\n', r"interopcheck.toml is not valid TOML"),
    ],
)
def test_a_bad_file_is_one_line_with_the_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "interopcheck.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        load_config(path)
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_an_unknown_key_in_pyproject_names_the_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.interopcheck]\nmax-page = 3\n')
    with pytest.raises(InputError, match=r"pyproject.toml:5: unknown key 'tool.interopcheck.max-page' \(did you mean 'max-pages'\?\)"):
        load_config(path)


def test_settings_record_masks_urls_and_refuses_unknown_sources(tmp_path: Path) -> None:
    config = Config(path=Path("interopcheck.toml"), label="interopcheck.toml")
    record = settings_record(config, [("base-url", "https://user:pw@sandbox.example/v1?api_key=k123456", "config"), ("overlay", (Path("a.yaml"),), "flag")])
    assert record["config_file"] == "interopcheck.toml"
    assert "pw" not in str(record) and "k123456" not in str(record)
    assert record["options"]["overlay"] == {"value": ["a.yaml"], "source": "flag"}
    with pytest.raises(ValueError):
        settings_record(None, [("rate", 1, "somewhere")])


def test_the_readme_example_is_a_valid_config(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "interopcheck.toml"
    path.write_text(block)
    config = load_config(path)
    assert config is not None and config.values["client-secret-env"] == "BIDDER_SECRET"
    assert config.values["format"] == "json,md,html,junit"
