"""No secret of the run leaves the process, whatever a hostile sandbox echoes back (issue 19 items 1 and 14).

The reference sandbox runs behind `EchoSecrets`, an ASGI wrapper that plants the `Authorization`
header it receives, the OAuth token it issued and the client secret in record fields (so schema
validation quotes them), in response headers, in error bodies, JSON-escaped (`\\/`), percent-encoded,
as HTTP Basic's base64 and straddling the 64 KiB evidence cut. One `check` run writes every report
format, the transcript and the bundle; every file, every bundle member and the console are searched
for each secret in each form and for any fragment of 8 or more of its characters.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from limits import Limited, run_limited

from interopcheck.sandbox.server import SandboxConfig, SandboxServer

CLIENT_SECRET = "Cl/ent+Secret=Value-7Q9xK2"
SECRET_ENV = "HOSTILE_CLIENT_SECRET"
SPEC_PASSWORD = "SpecPassw0rd-XyZ"
SPEC_TOKEN = "SpecQueryToken-4c1f9e"
SPEC_API_KEY = "SpecApiKey-77d0b3"
FRAGMENT = 8
EVIDENCE_CAP = 64 * 1024


@dataclass
class EchoSecrets:
    """ASGI wrapper around the sandbox that echoes every credential it sees into what it sends back."""

    app: Any
    client_id: str
    tokens: list[str] = field(default_factory=list)

    @property
    def basic(self) -> str:
        return base64.b64encode(f"{quote(self.client_id, safe='')}:{quote(CLIENT_SECRET, safe='')}".encode()).decode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        auth = next((v.decode() for k, v in scope["headers"] if k.lower() == b"authorization"), "")
        token = auth.removeprefix("Bearer ")
        if scope["path"] == "/" and self.tokens:
            # the issued token straddles the 64 KiB evidence cut: cut before redaction leaves most of it
            body = b"x" * (EVIDENCE_CAP - len(token) + 4) + token.encode() + b" tail"
            await self._send(send, 200, [(b"content-type", b"text/plain")], body)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        status = start.get("status", 500)
        if scope["path"] == "/oauth/token":
            issued = orjson.loads(body).get("access_token") if status == 200 else None
            if issued:
                self.tokens.append(issued)
        elif scope["path"] != "/openapi.json" and auth:
            body = self._poison(body, status, auth, token)
            headers += [(b"x-echo-authorization", auth.encode()), (b"x-echo-secret", CLIENT_SECRET.encode())]
        await self._send(send, status, headers, body)

    def _poison(self, body: bytes, status: int, auth: str, token: str) -> bytes:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return body
        forms = {
            "auth": auth,
            "percent": f"{quote(token, safe='')} {quote(CLIENT_SECRET, safe='')}",
            "secret": CLIENT_SECRET,
            "basic": f"Basic {self.basic}",
        }

        def plant(node: Any) -> None:
            if isinstance(node, dict):
                for key, form in (("uprn", "auth"), ("usrn", "percent"), ("postcode", "secret"), ("name", "basic")):
                    if key in node:
                        node[key] = forms[form]
                for value in node.values():
                    plant(value)
            elif isinstance(node, list):
                for value in node:
                    plant(value)

        plant(data)
        if status >= 400 and isinstance(data, dict):
            data["detail"] = " | ".join(forms.values())
        # every "/" JSON-escaped, so the client secret travels as Cl\/ent+...
        return orjson.dumps(data).replace(b"/", b"\\/")

    @staticmethod
    async def _send(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class HostileRun:
    result: Limited
    output_dir: Path
    echo: EchoSecrets

    def texts(self) -> dict[str, str]:
        """Every output of the run by name: each file, each bundle member, stdout and stderr."""
        out = {"<stdout>": self.result.stdout, "<stderr>": self.result.stderr}
        for path in sorted(self.output_dir.rglob("*")):
            if not path.is_file():
                continue
            out[path.name] = path.read_bytes().decode("utf-8", "replace")
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as archive:
                    for name in archive.namelist():
                        out[f"{path.name}!{name}"] = archive.read(name).decode("utf-8", "replace")
        return out


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    work = tmp_path_factory.mktemp("secrets")
    out = work / "reports"
    server = SandboxServer(SandboxConfig(records=12, seed=3))
    server.state.client_secret = CLIENT_SECRET
    echo = EchoSecrets(server.app, server.client_id)
    server.app = echo
    with server:
        host = server.base_url.removeprefix("http://")
        spec_url = f"http://evaluator:{SPEC_PASSWORD}@{host}/openapi.json?token={SPEC_TOKEN}&api_key={SPEC_API_KEY}"
        args = [
            "check", "--spec", spec_url, "--declaration", str(server.declaration_path),
            "--base-url", server.base_url, "--token-url", f"{server.base_url}/oauth/token",
            "--client-id", server.client_id, "--client-secret-env", SECRET_ENV,
            "--rate", "500", "--sample", "5", "--max-pages", "2", "--max-examples", "1",
            "--output-dir", str(out), "--format", "json,md,html,junit,sarif", "--transcript", "--bundle",
        ]  # fmt: skip
        result = run_limited(args, work, timeout_s=240, memory_bytes=3 * 1024**3, env={SECRET_ENV: CLIENT_SECRET})  # a full run with exports
    yield HostileRun(result, out, echo)


def _forms(secret: str) -> set[str]:
    """The ways a secret can be written out: as is, percent-encoded, JSON-escaped, HTML-escaped."""
    return {secret, quote(secret, safe=""), quote(secret), json.dumps(secret)[1:-1].replace("/", "\\/")}


def _leaks(texts: dict[str, str], secrets: dict[str, str]) -> list[str]:
    found = []
    for what, secret in secrets.items():
        for form in _forms(secret):
            found += [f"{what} in {name}" for name, text in texts.items() if form in text]
        fragments = {secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)}
        for name, text in texts.items():
            hit = next((f for f in fragments if f in text), None)
            if hit:
                found.append(f"{FRAGMENT}-character fragment {hit!r} of {what} in {name}")
    return sorted(set(found))


def test_the_hostile_sandbox_was_exercised(hostile_run: HostileRun) -> None:
    hostile_run.result.assert_handled()
    assert hostile_run.echo.tokens, hostile_run.result.stderr
    texts = hostile_run.texts()
    assert {"report.json", "report.md", "report.html", "report.junit.xml", "report.sarif", "transcript.har"} <= set(texts)
    assert "evidence-bundle.zip!report.json" in texts
    assert "[REDACTED]" in texts["report.json"] and "[REDACTED]" in texts["transcript.har"]


def test_no_sandbox_secret_in_any_output(hostile_run: HostileRun) -> None:
    secrets = {"client secret": CLIENT_SECRET, "basic credentials": hostile_run.echo.basic}
    secrets |= {f"issued token {i}": t for i, t in enumerate(hostile_run.echo.tokens)}
    assert _leaks(hostile_run.texts(), secrets) == []


def test_no_spec_url_credential_in_any_output(hostile_run: HostileRun) -> None:
    secrets = {"spec URL password": SPEC_PASSWORD, "spec URL token=": SPEC_TOKEN, "spec URL api_key=": SPEC_API_KEY}
    assert _leaks(hostile_run.texts(), secrets) == []


_TOKEN = "Zq3-Generated_Token/Value+9xK7mW2pL"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    before=st.integers(0, 1500),
    form=st.sampled_from(["raw", "bearer", "percent", "json", "cut"]),
    cut=st.integers(8, len(_TOKEN) - 1),
    status=st.sampled_from([200, 404, 500]),
    in_header=st.booleans(),
)
def test_generated_responses_leave_no_part_of_the_token_in_the_transcript(before: int, form: str, cut: int, status: int, in_header: bool) -> None:
    """Whatever a response holds, wherever it sits against the evidence cap, the transcript written keeps no 8 characters of the token."""
    import httpx

    from interopcheck.live.auth import StaticHeader
    from interopcheck.live.client import SafeClient
    from interopcheck.live.har import to_har
    from interopcheck.live.redact import Redactor

    written = {
        "raw": _TOKEN,
        "bearer": f"Bearer {_TOKEN}",
        "percent": quote(_TOKEN, safe=""),
        "json": json.dumps(_TOKEN).replace("/", "\\/"),
        "cut": _TOKEN[:cut],
    }[form]
    body = ("a" * before + written + " tail").encode()
    headers = {"x-echo": written} if in_header else {}
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body, headers=headers))
    redactor = Redactor([_TOKEN])
    credentials = StaticHeader("Authorization", f"Bearer {_TOKEN}")
    with SafeClient("http://sandbox.test", rate=1000, evidence_cap=1024, credentials=credentials, redactor=redactor, transport=transport) as client:
        client.get("/v1/properties")
    out = orjson.dumps(redactor.data(to_har(client.exchanges))).decode()
    assert not [_TOKEN[i : i + 8] for i in range(len(_TOKEN) - 7) if _TOKEN[i : i + 8] in out]
