"""`interopcheck keygen`: an Ed25519 key pair for --sign-key, the private key readable by its owner only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from interopcheck.cli import cli
from interopcheck.report.bundle import write_bundle
from interopcheck.report.verify import verify_bundle


def test_keygen_makes_a_pair_that_signs_and_verifies(tmp_path: Path, good: dict) -> None:
    old = os.umask(0o022)
    try:
        result = CliRunner().invoke(cli, ["keygen", str(tmp_path / "signing.pem")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    private, public = tmp_path / "signing.pem", tmp_path / "signing.pub.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(public.stat().st_mode) == 0o644
    assert f"wrote {private}" in result.output and f"wrote {public}" in result.output
    bundle = write_bundle(tmp_path / "b.zip", good, {}, private)
    assert verify_bundle(bundle, public).signature_checked and verify_bundle(bundle, public).ok


def test_keygen_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "signing.pub.pem").write_text("mine", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "interopcheck", "keygen", str(tmp_path / "signing.pem")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"interopcheck: error: {tmp_path / 'signing.pub.pem'} already exists; a key is never overwritten (remove it, or give another file name)"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["signing.pub.pem"]
    assert (tmp_path / "signing.pub.pem").read_text(encoding="utf-8") == "mine"
