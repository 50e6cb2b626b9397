"""Hostile servers against the network readers (issue 19, items 2, 3 and 6): the spec URL and the sandbox.

Each CLI case runs under `run_limited` (time and address-space limits), so a regression that
inflates a decompression bomb or waits on a trickle fails here instead of taking the machine.
"""

from __future__ import annotations

import gzip
import json
import socket
import time
from pathlib import Path

import live_minisandbox as mini
import pytest
from bombs import MIB, nested_gzip_bomb
from limits import run_limited
from live_servers import serve_app, serve_raw

from interopcheck.errors import SpecReadError
from interopcheck.spec.load import fetch


def _serve_bomb(conn: socket.socket, head: bytes) -> None:
    body = nested_gzip_bomb()
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip, gzip, gzip\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )


def test_the_bomb_is_what_it_says() -> None:
    inner = gzip.decompress(gzip.decompress(nested_gzip_bomb(4, 3)))
    assert gzip.decompress(inner) == bytes(4 * MIB)
    assert len(nested_gzip_bomb()) < 100_000


@pytest.mark.timeout(150)
def test_nested_gzip_on_a_spec_url_is_bad_input(tmp_path: Path) -> None:
    nested_gzip_bomb()
    with serve_raw(_serve_bomb) as url:
        result = run_limited(["check", "--spec", f"{url}/openapi.json", "--output-dir", str(tmp_path / "out")], tmp_path, timeout_s=120)
    result.assert_handled()
    assert result.code == 2, result.stderr[-2000:]
    assert "Content-Encoding" in result.stderr, result.stderr[-2000:]


@pytest.mark.timeout(200)
def test_nested_gzip_from_a_sandbox_is_its_failure(tmp_path: Path) -> None:
    nested_gzip_bomb()
    _mini_files(tmp_path)
    with serve_raw(_serve_bomb) as url:
        result = run_limited(
            [
                "check", "--spec", "spec.json", "--declaration", "declaration.json", "--base-url", url,
                "--token-env", "HOSTILE_TOKEN", "--timeout", "3", "--rate", "200", "--max-examples", "2",
                "--max-pages", "2", "--sample", "2", "--output-dir", "out", "--format", "json",
            ],
            tmp_path,
            timeout_s=180,
            env={"HOSTILE_TOKEN": "tok-hostile"},
        )
    result.assert_handled()
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert "Content-Encoding" in json.dumps(report)


def _trickle_headers(conn: socket.socket, head: bytes) -> None:
    """One header byte every 0.2 s, for far longer than any deadline (until the client hangs up)."""
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 400:
        try:
            conn.sendall(bytes([byte]))
        except OSError:
            return
        time.sleep(0.2)


@pytest.mark.timeout(30)
def test_a_spec_url_trickling_its_headers_is_cut_off_at_the_deadline() -> None:
    with serve_raw(_trickle_headers) as url:
        started = time.monotonic()
        with pytest.raises(SpecReadError) as err:
            fetch(f"{url}/openapi.json", max_bytes=1_000_000, timeout=2.0)
    assert time.monotonic() - started < 15  # a hang guard, not a speed test
    assert "within 2 s" in err.value.message


def _redirect_to(location: str):  # type: ignore[no-untyped-def]
    def handle(conn: socket.socket, head: bytes) -> None:
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())

    return handle


def _spec(conn: socket.socket, head: bytes) -> None:
    body = json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}).encode()
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)


def test_a_spec_url_redirecting_to_another_host_is_not_followed(tmp_path: Path) -> None:
    with serve_raw(_spec) as elsewhere, serve_raw(_redirect_to(f"{elsewhere}/openapi.json")) as url:
        result = run_limited(["check", "--spec", f"{url}/openapi.json", "--output-dir", "out"], tmp_path, timeout_s=60)
    result.assert_handled()
    assert result.code == 2, result.stderr[-2000:]
    assert "redirected to another host" in result.stderr


def test_a_same_origin_redirect_is_followed() -> None:
    hops: list[str] = []

    def handle(conn: socket.socket, head: bytes) -> None:
        hops.append(head.split(b" ")[1].decode())
        if head.startswith(b"GET /old"):
            _redirect_to("/openapi.json")(conn, head)
        else:
            _spec(conn, head)

    with serve_raw(handle) as url:
        raw = fetch(f"{url}/old", max_bytes=1_000_000, timeout=10)
    assert json.loads(raw)["openapi"] == "3.0.3"
    assert hops == ["/old", "/openapi.json"]


@pytest.mark.parametrize("metadata", ["http://169.254.169.254/latest/meta-data/", "http://2852039166/latest/", "http://0xa9fea9fe/latest/"])
def test_metadata_addresses_are_never_connected_to(metadata: str, monkeypatch: pytest.MonkeyPatch) -> None:
    connected: list[object] = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        connected.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    with serve_raw(_redirect_to(metadata)) as url:
        # even with other hosts allowed (--allow-remote-refs), a redirect to link-local is refused
        with pytest.raises(SpecReadError) as err:
            fetch(f"{url}/openapi.json", max_bytes=1_000_000, timeout=5, other_origins=True)
        assert "link-local" in err.value.message
        # and so is a $ref to it from a spec the user gave on loopback
        with pytest.raises(SpecReadError) as err:
            fetch(metadata, max_bytes=1_000_000, timeout=5, given=f"{url}/openapi.json")
        assert "link-local" in err.value.message
    assert [a for a in connected if "169.254" in str(a) or "2852039166" in str(a) or "0xa9" in str(a)] == []


def test_a_loopback_redirect_from_a_public_url_is_refused() -> None:
    with serve_raw(_spec) as local:
        with pytest.raises(SpecReadError) as err:
            fetch(f"{local}/openapi.json", max_bytes=1_000_000, timeout=5, given="http://93.184.215.14/openapi.json")
    assert "loopback" in err.value.message


def _trickle_token(conn: socket.socket, head: bytes) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
        try:
            conn.sendall(bytes([byte]))
        except OSError:
            return
        time.sleep(0.2)


@pytest.mark.timeout(30)
def test_a_token_endpoint_trickling_its_headers_is_cut_off() -> None:
    from interopcheck.errors import AuthError
    from interopcheck.live.auth import OAuth2ClientCredentials
    from interopcheck.live.redact import Redactor

    with serve_raw(_trickle_token) as url:
        creds = OAuth2ClientCredentials(token_url=f"{url}/token", client_id="c", client_secret="s", redactor=Redactor(), timeout=1.0)
        started = time.monotonic()
        with pytest.raises(AuthError):
            creds.headers()
    assert time.monotonic() - started < 15


def _mini_files(folder: Path) -> None:
    (folder / "spec.json").write_text(json.dumps(mini.SPEC))
    (folder / "declaration.json").write_text(json.dumps({**mini.DECLARATION, "supplier": {"name": "Mini Ltd", "product": "Mini 1"}}))


@pytest.mark.timeout(200)
def test_a_live_run_leaves_no_hypothesis_folder_behind(tmp_path: Path) -> None:
    _mini_files(tmp_path)
    with serve_app(mini.make_app()) as url:
        result = run_limited(
            [
                "check", "--spec", "spec.json", "--declaration", "declaration.json", "--base-url", url,
                "--token-env", "MINI_TOKEN", "--rate", "200", "--max-examples", "2", "--output-dir", "out", "--format", "json",
            ],
            tmp_path,
            timeout_s=180,
            env={"MINI_TOKEN": mini.STATIC_TOKEN},
        )
    result.assert_handled()
    assert (tmp_path / "out" / "report.json").is_file()
    assert "live.spec-conformance" in (tmp_path / "out" / "report.json").read_text()  # schemathesis ran
    assert not (tmp_path / ".hypothesis").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
