"""Scrubbing secrets (tokens, client secrets, API keys) out of everything a live run records.

One `Redactor` per session knows every secret in play; evidence, error messages, curl lines
and HAR transcripts all pass through it so a secret never reaches a report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

MASK = "[REDACTED]"

#: Headers whose whole value is a credential, whatever it contains.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"})

#: Query parameters that carry credentials in badly designed APIs.
SENSITIVE_PARAMS = frozenset({"access_token", "token", "api_key", "apikey", "key", "client_secret", "password"})


class Redactor:
    """Knows the secrets of one run and removes them from strings, headers, URLs and curl lines."""

    def __init__(self, secrets: Iterable[str] = (), headers: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._headers = set(SENSITIVE_HEADERS) | {h.lower() for h in headers}
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        """Learn one more secret (a freshly issued token, say); short strings are ignored as unsafe to mask."""
        if secret and len(secret) >= 4:
            self._secrets.add(secret)
            # the secret may also appear URL-encoded (a form body, a query string)
            self._secrets.add(quote(secret, safe=""))

    def add_header(self, name: str) -> None:
        """Treat header `name` (case-insensitive) as a credential header."""
        self._headers.add(name.lower())

    def text(self, value: str | None) -> str | None:
        """`value` with every known secret replaced by the mask."""
        if not value:
            return value
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        """A copy of `headers` with credential headers masked and secrets removed from the rest."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        out: dict[str, str] = {}
        for name, value in items:
            if name.lower() in self._headers:
                scheme = value.split(" ", 1)[0] if " " in value and name.lower().endswith("authorization") else ""
                out[name] = f"{scheme} {MASK}".strip()
            else:
                out[name] = self.text(value) or ""
        return out

    def url(self, url: str) -> str:
        """`url` with credential query parameters and user info masked, and known secrets removed."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return self.text(url) or ""
        netloc = parts.netloc
        if "@" in netloc:
            netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(k.lower() in SENSITIVE_PARAMS for k, _ in pairs):
                query = urlencode([(k, MASK if k.lower() in SENSITIVE_PARAMS else v) for k, v in pairs])
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))) or ""


_QUOTE_RE = re.compile(r"'")


def shell_quote(value: str) -> str:
    """`value` single-quoted for a POSIX shell."""
    return "'" + _QUOTE_RE.sub("'\\''", value) + "'"


def curl_line(method: str, url: str, headers: Mapping[str, str], body: str | None = None) -> str:
    """A curl command reproducing a request; pass already-redacted parts."""
    parts = ["curl", "-sS"]
    if method.upper() != "GET":
        parts += ["-X", method.upper()]
    for name, value in headers.items():
        parts += ["-H", shell_quote(f"{name}: {value}")]
    if body:
        parts += ["--data-binary", shell_quote(body)]
    parts.append(shell_quote(url))
    return " ".join(parts)
