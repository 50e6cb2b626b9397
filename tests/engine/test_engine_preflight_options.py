"""Option problems fail before the run starts: exit 2 with one line, no spec read, no report written."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from interopcheck.cli.app import main

SPEC = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}


def _check(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(SPEC))
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(spec), "--no-history", "--output-dir", str(tmp_path / "out"), *extra])
    err = capsys.readouterr().err
    return int(exit_info.value.code or 0), err


def _assert_refused_before_the_run(tmp_path: Path, code: int, err: str, *words: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interopcheck: error: "), err
    assert all(w in lines[0] for w in words), err
    assert not (tmp_path / "out").exists()  # nothing ran, nothing written


def test_a_sign_key_that_is_no_key_is_refused_before_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "key.pem"
    key.write_text("not a key\n")
    code, err = _check(tmp_path, capsys, "--bundle", "--sign-key", str(key))
    _assert_refused_before_the_run(tmp_path, code, err, "--sign-key", "not an unencrypted PEM private key")


def test_sign_key_without_the_cryptography_package_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n")
    for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)  # `import cryptography...` now raises ImportError
    code, err = _check(tmp_path, capsys, "--bundle", "--sign-key", str(key))
    _assert_refused_before_the_run(tmp_path, code, err, "--sign-key", "needs the cryptography package", "interopcheck[sign]")


@pytest.mark.parametrize("header", ["bad header", "bad\nheader", "X-Key:", ""])
def test_an_api_key_header_that_is_no_header_name_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, header: str
) -> None:
    monkeypatch.setenv("PREFLIGHT_TEST_KEY", "k")
    code, err = _check(
        tmp_path, capsys, "--base-url", "http://127.0.0.1:9", "--api-key-env", "PREFLIGHT_TEST_KEY", "--api-key-header", header,
    )
    _assert_refused_before_the_run(tmp_path, code, err, "--api-key-header")


B = "http://127.0.0.1:9"


@pytest.mark.parametrize(("args", "words"), [
    (("--transcript",), ("--transcript", "without --base-url")),
    (("--allow-writes",), ("--allow-writes", "without --base-url")),
    (("--base-url", B, "--scope", "read"), ("--scope", "without --token-url")),
    (("--base-url", B, "--client-secret-env", "PREFLIGHT_TEST_KEY"), ("--client-secret-env", "without --token-url")),
    (("--base-url", B, "--token-env", "PREFLIGHT_TEST_KEY", "--api-key-env", "PREFLIGHT_TEST_KEY"), ("--token-env and --api-key-env", "ways to authenticate")),
    (("--base-url", B, "--token-env", "PREFLIGHT_TEST_KEY", "--api-key-header", "X-Key"), ("--api-key-header", "without --api-key-env")),
    (("--no-reports", "--bundle"), ("--no-reports", "--bundle")),
    (("--base-url", B, "--token-env", "PREFLIGHT_TEST_KEY", "--no-reports", "--transcript"), ("--no-reports", "--transcript")),
])
def test_options_that_would_be_silently_ignored_are_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    monkeypatch.setenv("PREFLIGHT_TEST_KEY", "k")
    code, err = _check(tmp_path, capsys, *args)
    _assert_refused_before_the_run(tmp_path, code, err, *words)


@pytest.mark.parametrize("option", ["--rate", "--timeout", "--export-timeout"])
@pytest.mark.parametrize("value", ["nan", "inf", "1e300"])
def test_a_number_option_that_is_not_finite_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, option: str, value: str
) -> None:
    monkeypatch.setenv("PREFLIGHT_TEST_KEY", "k")
    code, err = _check(tmp_path, capsys, "--base-url", B, "--token-env", "PREFLIGHT_TEST_KEY", option, value)
    _assert_refused_before_the_run(tmp_path, code, err, option)
