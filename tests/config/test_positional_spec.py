"""`interopcheck check openapi.yaml`: the spec as an argument, beside --spec, INTEROPCHECK_SPEC and the config file;
and the exit codes of --fail-on and --static-only."""

from __future__ import annotations

from pathlib import Path

from .clirun import run_in


def test_the_spec_as_an_argument(specs: Path) -> None:
    run = run_in(specs, ["http.json", "-q", "--format", "json"])
    assert run.code == 1, run.stderr
    assert run.report()["run"]["spec_source"] == "http.json"
    assert run.report()["settings"]["options"]["spec"] == {"value": "http.json", "source": "flag"}


def test_the_same_spec_twice_is_fine_two_different_ones_are_exit_2_in_one_line(specs: Path) -> None:
    assert run_in(specs, ["http.json", "--spec", "http.json", "-q", "--no-reports"]).code == 1
    run = run_in(specs, ["good.json", "--spec", "http.json", "-q"])
    assert run.code == 2
    assert run.stderr == (
        "interopcheck: error: --spec http.json and the SPEC argument good.json differ "
        "(give the API description once, as SPEC or as --spec)\n"
    )
    assert not (specs / "reports").exists()


def test_the_argument_beats_the_environment_and_the_config_file(specs: Path) -> None:
    (specs / "interopcheck.toml").write_text('spec = "good.json"\n')
    run = run_in(specs, ["http.json", "-q", "--format", "json"], env={"INTEROPCHECK_SPEC": "good.json"})
    assert run.code == 1, run.stderr
    assert run.report()["run"]["spec_source"] == "http.json"
    run = run_in(specs, ["-q", "--format", "json"], env={"INTEROPCHECK_SPEC": "http.json"})
    assert run.code == 1 and run.report()["settings"]["options"]["spec"] == {"value": "http.json", "source": "env"}


def test_no_spec_at_all_is_exit_2_in_one_line(specs: Path) -> None:
    run = run_in(specs, ["-q"])
    assert run.code == 2
    assert run.stderr == (
        "interopcheck: error: no API description given "
        "(interopcheck check openapi.yaml, or --spec, INTEROPCHECK_SPEC or spec in interopcheck.toml)\n"
    )


def test_without_static_only_a_run_with_no_sandbox_stays_incomplete(specs: Path) -> None:
    assert run_in(specs, ["good.json", "-q", "--no-reports"]).code == 3
    assert run_in(specs, ["good.json", "-q", "--no-reports", "--static-only"]).code == 0
    assert run_in(specs, ["good.json", "-q", "--no-reports", "--fail-on", "should"]).code == 1


def test_static_only_with_a_sandbox_is_exit_2(specs: Path) -> None:
    run = run_in(specs, ["good.json", "--static-only", "--base-url", "http://127.0.0.1:9"])
    assert run.code == 2
    assert "--static-only judges the API description alone, so it cannot go with --base-url" in run.stderr


def test_several_specs_write_their_reports_in_a_folder_each(specs: Path) -> None:
    (specs / "v2").mkdir()
    (specs / "v2" / "good.json").write_bytes((specs / "good.json").read_bytes())
    run = run_in(specs, ["good.json", "http.json", "v2/good.json", "--static-only", "--format", "json"])
    assert run.code == 1, run.stderr
    assert sorted(p.name for p in (specs / "reports").iterdir() if p.is_dir()) == ["good", "good-2", "http"]
    assert run.report("reports/good-2")["run"]["spec_source"] == "v2/good.json"
    assert run.report("reports/http")["settings"]["options"]["spec"]["value"] == "http.json"
