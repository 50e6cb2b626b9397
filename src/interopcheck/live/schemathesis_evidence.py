"""Evidence for schemathesis' failures: the safe client's record of each exchange, in the sandbox's terms.

Schemathesis talks to the loopback relay (`relay.py`), so its URLs and messages name the relay's
origin; a finding must name the sandbox's, as the transcript does, with secrets redacted.
"""

from __future__ import annotations

from typing import Any

from interopcheck.live.redact import Redactor, curl_line
from interopcheck.live.relay import EXCHANGE_HEADER, Relay
from interopcheck.model import Exchange, Finding, HttpRequest


def sandbox_url(url: str, relay: Relay | None) -> str:
    """`url` with the relay's origin replaced by the sandbox's."""
    if relay is not None and url.startswith(relay.origin):
        return relay.upstream(url[len(relay.origin) :])
    return url


def sandbox_text(text: str, relay: Relay | None) -> str:
    """`text` (a schemathesis message) with every mention of the relay's origin replaced by the sandbox's."""
    if relay is None:
        return text
    return text.replace(relay.origin, relay.upstream("").rstrip("/"))


def header(response: Any, name: str) -> str | None:
    """The first value of header `name` in a schemathesis response (None when absent or no response)."""
    if response is None:
        return None
    values = response.headers.get(name.lower())
    return values[0] if values else None


def to_finding(recorder: Any, case_id: str, check: str, failure: Any, redactor: Redactor, relay: Relay | None) -> Finding:
    """A redacted finding for one schemathesis failure, with the request, response and curl line.

    The evidence is the safe client's own record of the exchange (the sandbox's URL, redacted, as in
    the transcript); the recorder's copy, with the relay's origin put back to the sandbox's, only
    when the client has none (the request never reached the relay).
    """
    interaction = recorder.interactions.get(case_id)
    exchange = None
    if interaction is not None and relay is not None:
        exchange = relay.evidence(header(interaction.response, EXCHANGE_HEADER))
    if exchange is None and interaction is not None:
        req = interaction.request
        url = redactor.url(sandbox_url(req.uri, relay))
        req_headers = redactor.headers({k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in req.headers.items()})
        body = req.body.decode("utf-8", "replace") if isinstance(req.body, bytes) and req.body else None
        body = redactor.text(body)
        shown = {k: v for k, v in req_headers.items() if k.lower() not in ("user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid")}
        exchange = Exchange(request=HttpRequest(req.method, url, req_headers, body), response=None, curl=curl_line(req.method, url, shown, body))
    message = redactor.text(sandbox_text(f"{failure.operation}: [{failure.code}] {failure.title}: {failure.message}", relay)) or ""
    return Finding(
        message,
        exchange=exchange,
        data={"operation": failure.operation, "code": failure.code, "title": failure.title, "check": check},
    )
