"""`check` configured by interopcheck.toml, pyproject.toml and INTEROPCHECK_* variables: precedence, errors, the report's settings."""

from __future__ import annotations

import json
from pathlib import Path

from interopcheck.report.json_report import validation_errors

from .clirun import run_in

STATIC = ["--static-only", "-q"]


def _options(report: dict) -> dict:
    return report["settings"]["options"]


def test_flags_beat_environment_beat_config_file_beat_defaults(specs: Path) -> None:
    (specs / "interopcheck.toml").write_text('spec = "good.json"\nseed = 1\nsample = 7\nmax-pages = 8\nformat = ["json", "md"]\n')
    run = run_in(specs, [*STATIC, "--seed", "3"], env={"INTEROPCHECK_SEED": "2", "INTEROPCHECK_SAMPLE": "9"})
    assert run.code == 0, run.stderr
    report = run.report()
    options = _options(report)
    assert options["seed"] == {"value": 3, "source": "flag"}
    assert options["sample"] == {"value": 9, "source": "env"}
    assert options["max-pages"] == {"value": 8, "source": "config"}
    assert options["max-examples"] == {"value": 10, "source": "default"}
    assert options["spec"] == {"value": "good.json", "source": "config"}
    assert report["settings"]["config_file"] == "interopcheck.toml"
    assert report["run"]["seed"] == 3 and report["run"]["options"]["sample"] == 9 and report["run"]["options"]["max_pages"] == 8
    assert sorted(p.name for p in (specs / "reports").iterdir() if p.name.startswith("report")) == ["report.json", "report.md"]
    assert validation_errors(report) == []


def test_the_markdown_report_says_briefly_where_settings_came_from(specs: Path) -> None:
    (specs / "interopcheck.toml").write_text('spec = "good.json"\nrate = 4\n')
    run = run_in(specs, [*STATIC, "--format", "md,json"], env={"INTEROPCHECK_SEED": "2"})
    markdown = (specs / "reports" / "report.md").read_text()
    assert "| Settings from the command line | format, quiet, static-only |" in markdown, markdown
    assert "| Settings from the environment (INTEROPCHECK\\_\\*) | seed |" in markdown
    assert "| Settings from the config file interopcheck.toml | spec, rate |" in markdown
    assert run.code == 0


def test_pyproject_table_is_read_and_an_explicit_config_resolves_paths_from_its_folder(specs: Path) -> None:
    (specs / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.interopcheck]\nspec = "http.json"\n')
    run = run_in(specs, STATIC)
    assert run.code == 1, run.stderr
    assert _options(run.report())["spec"]["value"] == "http.json"
    assert run.report()["settings"]["config_file"] == "pyproject.toml [tool.interopcheck]"
    ci = specs / "ci"
    ci.mkdir()
    (ci / "settings.toml").write_text('spec = "../good.json"\noutput-dir = "out"\n')
    run = run_in(specs, [*STATIC, "--config", "ci/settings.toml"])
    assert run.code == 0, run.stderr
    report = run.report("ci/out")
    assert _options(report)["spec"] == {"value": "ci/../good.json", "source": "config"}
    assert report["settings"]["config_file"] == "ci/settings.toml"


def test_the_config_file_can_come_from_the_environment(specs: Path) -> None:
    (specs / "ci.toml").write_text('spec = "http.json"\n')
    run = run_in(specs, STATIC, env={"INTEROPCHECK_CONFIG": "ci.toml"})
    assert run.code == 1, run.stderr


def test_flags_and_lists_from_the_environment(specs: Path) -> None:
    run = run_in(
        specs,
        ["good.json", "-q"],
        env={"INTEROPCHECK_STATIC_ONLY": "1", "INTEROPCHECK_ALLOW_REMOTE_REFS": "true", "INTEROPCHECK_FORMAT": "json", "INTEROPCHECK_FAIL_ON": "should"},
    )
    assert run.code == 1, run.stderr  # --fail-on should: HSG-API-03 (a SHOULD) warns
    options = _options(run.report())
    assert options["static-only"] == {"value": True, "source": "env"}
    assert options["allow-remote-refs"] == {"value": True, "source": "env"}
    assert options["spec"] == {"value": "good.json", "source": "flag"}


def test_an_unknown_key_is_exit_2_with_file_line_key_and_did_you_mean(specs: Path) -> None:
    (specs / "interopcheck.toml").write_text('spec = "good.json"\nbase_url = "https://sandbox.example"\n')
    run = run_in(specs, STATIC)
    assert run.code == 2
    assert run.stderr == "interopcheck: error: interopcheck.toml:2: unknown key 'base_url' (did you mean 'base-url'?)\n"
    assert not (specs / "reports").exists()


def test_a_bad_value_from_the_environment_names_the_variable(specs: Path) -> None:
    run = run_in(specs, ["good.json", *STATIC], env={"INTEROPCHECK_RATE": "fast"})
    assert run.code == 2
    assert run.stderr.startswith("interopcheck: error: Invalid value for '--rate' (from INTEROPCHECK_RATE): 'fast' is not a valid float")
    assert run.stderr.count("\n") == 1


def test_secrets_stay_in_the_environment_and_never_reach_the_settings(specs: Path) -> None:
    # port 9 (discard) on 127.0.0.1 refuses the connection: the run is incomplete, quickly, and no traffic leaves the machine
    (specs / "interopcheck.toml").write_text('spec = "good.json"\nbase-url = "http://127.0.0.1:9"\ntoken-env = "SANDBOX_TOKEN"\ntimeout = 1\n')
    run = run_in(specs, ["-q", "--format", "json,md"], env={"SANDBOX_TOKEN": "s3cr3t-value-xyz"})
    assert run.code == 3, run.stderr
    assert _options(run.report())["token-env"] == {"value": "SANDBOX_TOKEN", "source": "config"}
    for path in (specs / "reports").iterdir():  # the reports and the run history
        assert b"s3cr3t" not in path.read_bytes(), path


def test_output_to_stdout_from_the_config_file_with_its_format(specs: Path) -> None:
    (specs / "interopcheck.toml").write_text('spec = "http.json"\noutput = "-"\nformat = "sarif"\nstatic-only = true\n')
    run = run_in(specs, [])
    assert run.code == 1, run.stderr
    assert json.loads(run.stdout)["version"] == "2.1.0"  # SARIF, the one format the file asked for, and nothing else on stdout
    assert "verdict: not conformant" in run.stderr
    assert not (specs / "reports").exists()


def test_output_refuses_several_specs_and_no_reports(specs: Path) -> None:
    run = run_in(specs, ["good.json", "http.json", "--output", "-"])
    assert run.code == 2 and "--output writes one report, and 2 SPECs were given" in run.stderr
    run = run_in(specs, ["good.json", "--output", "r.json", "--no-reports"])
    assert run.code == 2 and "--no-reports writes no report, --output writes one" in run.stderr
    assert run.stdout == ""
