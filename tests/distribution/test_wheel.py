"""The package as a user gets it: the sdist and the wheel built from it hold the licence and every data file,
and the wheel installed in a fresh venv runs `interopcheck demo` from another folder (`make package-test`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = [pytest.mark.package, pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "interopcheck"


def _env() -> dict[str, str]:
    """This process's environment without what would let the source tree or a config leak into the installed copy."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("INTEROPCHECK_")}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist, and the wheel `build` makes from it (so a file missing from the sdist is missing from the wheel too)."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True, env=_env())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def _package_files() -> set[str]:
    """Every file of the source package (the data/ symlinks followed), as paths inside the wheel."""
    found = set()
    for folder, dirs, files in os.walk(PACKAGE, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found |= {Path(folder, f).relative_to(PACKAGE.parent).as_posix() for f in files if not f.endswith(".pyc")}
    return found


def test_the_sdist_and_the_wheel_carry_the_mit_licence(dist: dict[str, Path]) -> None:
    licence = (ROOT / "LICENSE").read_bytes()
    assert licence.startswith(b"MIT License") and b"Copyright (c) 2026 interopcheck contributors" in licence
    with tarfile.open(dist["sdist"]) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        member = sdist.extractfile(f"{top}/LICENSE")
        assert member is not None and member.read() == licence
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        info = next(n.split("/")[0] for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        assert wheel.read(f"{info}/licenses/LICENSE") == licence
        metadata = wheel.read(f"{info}/METADATA").decode()
    assert "License-Expression: MIT" in metadata and "License-File: LICENSE" in metadata


def test_the_wheel_holds_every_file_of_the_package(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = set(wheel.namelist())
    for needed in (
        "interopcheck/data/profiles/housing/profile.yaml",
        "interopcheck/data/standards/entities/property.json",
        "interopcheck/report/templates/report.html.j2",
        "interopcheck/report/report.schema.json",
        "interopcheck/config.schema.json",
        "interopcheck/profile/profile.schema.json",
    ):
        assert needed in names, needed
    missing = sorted(_package_files() - names)
    assert not missing, f"{len(missing)} files of src/interopcheck are not in the wheel (package-data in pyproject.toml?): {missing[:10]}"


def test_the_installed_wheel_runs_the_demo_from_another_folder(dist: dict[str, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # this environment's pip installs into the fresh venv (no ensurepip), from pip's cache where it can
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile", str(dist["wheel"])],
        capture_output=True, text=True, env=_env(),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import interopcheck; print(interopcheck.__file__)"], capture_output=True, text=True, cwd=elsewhere, env=_env())
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    demo = subprocess.run(
        [str(venv / "bin" / "interopcheck"), "demo", "--records", "10", "--output-dir", "out"],
        capture_output=True, text=True, cwd=elsewhere, env=_env(), timeout=300,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "verdict: conformant" in demo.stdout
    report = json.loads((elsewhere / "out" / "report.json").read_text())
    assert report["verdict"] == "conformant" and report["profile"]["id"] == "housing"
    assert {p.name for p in (elsewhere / "out").iterdir()} >= {"report.json", "report.md", "report.html", "report.junit.xml", "report.sarif"}
