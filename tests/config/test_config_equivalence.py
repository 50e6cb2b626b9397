"""One run of the reference sandbox configured three ways (interopcheck.toml, INTEROPCHECK_* variables, flags)
gives the same outcomes and the same settings values; only the settings' sources differ."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from interopcheck.report.json_report import validation_errors
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

from .clirun import run_in

pytestmark = [pytest.mark.acceptance, pytest.mark.slow]

SECRET_ENV = "CONFIG_TEST_CLIENT_SECRET"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(records=30, seed=7)) as server:
        yield server


def _settings(server: SandboxServer) -> dict[str, object]:
    """The run's options as config keys and values (the same for all three ways of giving them)."""
    return {
        "spec": server.spec_url,
        "declaration": "declaration.yaml",
        "base-url": server.base_url,
        "token-url": f"{server.base_url}/oauth/token",
        "client-id": server.client_id,
        "client-secret-env": SECRET_ENV,
        "rate": 200.0,
        "sample": 5,
        "max-pages": 2,
        "max-examples": 1,
        "seed": 11,
        "require-modules": "repairs,tenancy-management",
        "format": "json,md",
        "output-dir": "out",
        "transcript": True,
    }


def _as_flags(settings: dict[str, object]) -> list[str]:
    flags: list[str] = []
    for key, value in settings.items():
        flags += [f"--{key}"] if value is True else [f"--{key}", str(value)]
    return flags


def _as_toml(settings: dict[str, object]) -> str:
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())


def _as_env(settings: dict[str, object]) -> dict[str, str]:
    return {"INTEROPCHECK_" + key.upper().replace("-", "_"): "1" if value is True else str(value) for key, value in settings.items()}


def test_file_environment_and_flags_give_the_same_report(sandbox: SandboxServer, tmp_path: Path) -> None:
    settings = _settings(sandbox)
    secret = {SECRET_ENV: sandbox.client_secret}
    ways = {"config": tmp_path / "by-file", "env": tmp_path / "by-env", "flag": tmp_path / "by-flags"}
    for folder in ways.values():
        folder.mkdir()
        (folder / "declaration.yaml").write_bytes(Path(sandbox.declaration_path).read_bytes())
    (ways["config"] / "interopcheck.toml").write_text(_as_toml(settings))
    runs = {
        "config": run_in(ways["config"], [], env=secret),
        "env": run_in(ways["env"], [], env={**secret, **_as_env(settings)}),
        "flag": run_in(ways["flag"], _as_flags(settings), env=secret),
    }
    reports = {}
    for way, run in runs.items():
        assert run.code == 0, f"{way}: {run.stdout}{run.stderr}"
        reports[way] = run.report("out")
        assert validation_errors(reports[way]) == []
        assert sorted(p.name for p in (ways[way] / "out").iterdir()) == ["report.json", "report.md", "transcript.har"]

    def outcomes(report: dict) -> list[tuple[str, str]]:
        return [(o["requirement_id"], o["status"]) for o in report["outcomes"]]

    def values(report: dict) -> dict[str, object]:
        return {key: entry["value"] for key, entry in report["settings"]["options"].items()}

    assert outcomes(reports["config"]) == outcomes(reports["env"]) == outcomes(reports["flag"])
    assert values(reports["config"]) == values(reports["env"]) == values(reports["flag"])
    assert reports["config"]["run"]["options"] == reports["env"]["run"]["options"] == reports["flag"]["run"]["options"]
    for way, report in reports.items():
        given = {key: entry["source"] for key, entry in report["settings"]["options"].items() if entry["source"] != "default"}
        assert given == dict.fromkeys(settings, way), way
    assert reports["config"]["settings"]["config_file"] == "interopcheck.toml"
    assert reports["env"]["settings"]["config_file"] is None
