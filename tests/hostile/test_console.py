"""Nothing a hostile spec, spec server or sandbox sends reaches the terminal as a control sequence or a credential (issue 19 items 14 and 18).

An ANSI escape sequence (ESC or the one-byte C1 CSI, 0x9b) printed raw can rewrite the evaluator's
terminal: clear it, retitle it, hide or fake lines of the verdict. Everything the CLI prints has
its C0 and C1 control characters and escape sequences removed (newlines and tabs kept), and
credentials written in URLs masked.
"""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

from limits import run_limited
from live_servers import serve_raw

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PASSWORD = "Pw-Console-Secret-81"
TOKEN = "Tok-Console-Secret-82"


def _reason_phrase_with_c1(conn: socket.socket, head: bytes) -> None:
    conn.sendall(b"HTTP/1.1 404 Not\x9b2J\x9b31m Found\x9d0;pwned\x9c\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def test_a_spec_server_cannot_write_to_the_terminal_or_reveal_the_url_credentials(tmp_path: Path) -> None:
    with serve_raw(_reason_phrase_with_c1) as url:
        spec_url = url.replace("http://", f"http://evaluator:{PASSWORD}@") + f"/openapi.json?token={TOKEN}"
        result = run_limited(["check", "--spec", spec_url, "--output-dir", str(tmp_path / "out")], tmp_path, timeout_s=60)
    result.assert_handled()
    printed = result.stdout + result.stderr
    assert "404" in printed, printed
    assert not CONTROL.findall(printed.replace("\n", "")), ascii(printed)
    assert PASSWORD not in printed and TOKEN not in printed, printed


def test_a_spec_named_with_escape_sequences_is_printed_without_them(tmp_path: Path) -> None:
    spec = tmp_path / "api\x1b]0;pwned\x07\x1b[2J.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}))
    result = run_limited(["check", "--spec", str(spec), "--output-dir", str(tmp_path / "out"), "--format", "json"], tmp_path)
    result.assert_handled()
    printed = result.stdout + result.stderr
    assert "api" in printed and ".json" in printed
    assert not CONTROL.findall(printed.replace("\n", "")), ascii(printed)


def test_printable_strips_escape_sequences_and_control_characters() -> None:
    from interopcheck.console import printable

    assert printable("a\x1b[31mred\x1b[0m b") == "ared b"
    assert printable("t\x1b]0;title\x07x\x1b]8;;http://e\x1b\\y") == "txy"
    assert printable("c1\x9b2Jcsi\x9d0;t\x9cdone\x85") == "c1csidone"
    assert printable("nul\x00bell\x07del\x7f") == "nulbelldel"
    assert printable("keep\ttabs\nand lines — and ünïcode") == "keep\ttabs\nand lines — and ünïcode"
    assert printable("GET http://u:pw@h.test/x?api_key=k1") == "GET http://%5BREDACTED%5D@h.test/x?api_key=%5BREDACTED%5D"


def test_escape_sequences_from_a_spec_do_not_reach_the_markdown_report(tmp_path: Path) -> None:
    """`cat report.md` is printing too: a path of the spec carrying ESC and C1 CSI leaves none in the Markdown report."""
    escapes = "\x1b]0;pwned\x07\x9b2J\x1bc"
    paths = {f"/v1/a{escapes}": {"get": {"responses": {"200": {"description": "ok"}}}}}
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}))
    out = tmp_path / "out"
    result = run_limited(["check", "--spec", str(spec), "--output-dir", str(out), "--format", "json,md"], tmp_path)
    result.assert_handled()
    assert "pwned" in (out / "report.md").read_text()  # the path is reported...
    assert not CONTROL.findall((out / "report.md").read_text().replace("\n", "").replace("\r", ""))  # ...without its controls
