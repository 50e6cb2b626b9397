"""`spec.files.read_regular_file`: only regular files are read; a FIFO or a device is refused at once, never waited on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interopcheck.errors import DeclarationError, SpecReadError
from interopcheck.spec.files import read_regular_file


def _read(path: Path, max_bytes: int = 100, error: type = SpecReadError) -> bytes:
    return read_regular_file(path, max_bytes=max_bytes, label=str(path), error=error, max_hint="raise it")


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"openapi: 3.0.3\n")
    assert _read(tmp_path / "a.yaml") == b"openapi: 3.0.3\n"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.yaml")  # no writer: a blocking open would wait for ever
    with pytest.raises(DeclarationError, match="fifo.yaml: not a regular file"):
        _read(tmp_path / "fifo.yaml", error=DeclarationError)


def test_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecReadError, match="/dev/zero: not a regular file"):
        _read(Path("/dev/zero"))


@pytest.mark.parametrize(
    ("name", "why"),
    [("absent.yaml", "no such file"), ("", "is a directory"), ("big.yaml", "over the limit of 100")],
)
def test_what_cannot_be_read_is_one_line(tmp_path: Path, name: str, why: str) -> None:
    (tmp_path / "big.yaml").write_bytes(b"x" * 101)
    with pytest.raises(SpecReadError, match=why) as info:
        _read(tmp_path / name)
    assert "\n" not in str(info.value)
