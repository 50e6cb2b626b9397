"""The limit runner itself: a hang is reported as a hang, a memory blow-up as a failure."""

from __future__ import annotations

from pathlib import Path

from limits import Limited, run_limited


def test_a_clean_run_is_handled(tmp_path: Path) -> None:
    result = run_limited(["--help"], tmp_path, timeout_s=30)
    result.assert_handled()
    assert result.code == 0


def test_exit_4_is_refused() -> None:
    try:
        Limited(4, "", "Traceback", timed_out=False).assert_handled()
    except AssertionError as exc:
        assert "exit 4" in str(exc)
    else:
        raise AssertionError("exit 4 passed as handled")


def test_a_hang_is_refused() -> None:
    try:
        Limited(-1, "", "", timed_out=True).assert_handled()
    except AssertionError as exc:
        assert "hung" in str(exc)
    else:
        raise AssertionError("a hang passed as handled")
