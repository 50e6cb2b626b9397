"""Scrubbing secrets (tokens, client secrets, API keys, URL credentials) out of everything a run writes or prints.

One `Redactor` per run knows every secret in play (the credentials from the environment, those
written in URLs, each token the token endpoint issues); every string that leaves the process
(report formats, bundle, transcript, console) passes through it once, where it leaves.

A hostile sandbox echoes a secret back in any form, so each is masked as it is, percent-encoded,
JSON-escaped, HTML-escaped and inside base64 (HTTP Basic), and any fragment of `MIN_FRAGMENT`
or more of its characters is masked too: a secret cut in two by a clip (a message quoting the
first 80 characters of a value, a body cut at the evidence cap) must not survive as its head.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from interopcheck.live.literals import LiteralSet

MASK = "[REDACTED]"
#: The mask inside a URL: brackets in user info make the URL unparseable (urlsplit takes them for an IPv6 host).
URL_MASK = quote(MASK, safe="")

#: Headers whose whole value is a credential, whatever it contains.
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"})

#: Query parameters that carry credentials in badly designed APIs.
SENSITIVE_PARAMS = frozenset({"access_token", "token", "api_key", "apikey", "key", "client_secret", "password"})

#: A run of this many characters of a secret is masked wherever it appears (shorter runs occur by chance).
MIN_FRAGMENT = 8
_GRAM = 4  # fragments are found by these grams of a form, taken every _STRIDE characters:
_STRIDE = MIN_FRAGMENT - _GRAM + 1  # so that every run of MIN_FRAGMENT characters holds one whole gram

#: Credentials written in URLs anywhere in a text: user info, and the values of credential parameters.
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/?#@\"'<>\[\]]+@")
_PARAM_RE = re.compile(
    r"(?i)([?&;](?:" + "|".join(sorted(SENSITIVE_PARAMS)) + r")=)(?!\[REDACTED\]|%5BREDACTED%5D)[^&#\s\"'<>]+"
)
_HEX_RE = re.compile(r"%[0-9A-F]{2}")


def _base64_cores(raw: bytes) -> set[str]:
    """The base64 characters that encode `raw` whatever precedes it in the encoded blob (3 alignments, both alphabets).

    `Basic base64(id:secret)` encodes the secret at an offset that depends on the id's length; the
    characters wholly determined by the secret's bytes are the same for every id of that length mod 3.
    """
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        core = encoded[4 if offset else 0 : 4 * ((offset + len(raw)) // 3)]
        if len(core) >= MIN_FRAGMENT:
            cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


def forms_of(secret: str) -> tuple[set[str], set[str]]:
    """(every written form of `secret` masked whole, the forms whose fragments are masked too)."""
    percent = {quote(secret, safe=""), quote(secret), quote_plus(secret)}
    percent |= {_HEX_RE.sub(lambda m: m.group().lower(), p) for p in percent}
    escaped = {json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1]}
    escaped |= {e.replace("/", "\\/") for e in escaped}
    whole = {secret, html.escape(secret), *percent, *escaped}
    for raw in {secret, quote(secret, safe="")}:
        whole |= _base64_cores(raw.encode("utf-8"))
    cut = {secret, quote(secret, safe=""), json.dumps(secret)[1:-1].replace("/", "\\/")}
    return {w for w in whole if len(w) >= 4}, {c for c in cut if len(c) >= MIN_FRAGMENT}


def _masked(value: str, spans: list[tuple[int, int]]) -> str:
    """`value` with each of `spans` (start, stop), merged where they overlap or touch, replaced by one mask."""
    if not spans:
        return value
    merged: list[list[int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    out, last = [], 0
    for start, stop in merged:
        out += [value[last:start], MASK]
        last = stop
    out.append(value[last:])
    return "".join(out)


class Redactor:
    """Knows the secrets of one run and removes them from strings, nested data, headers, URLs and curl lines."""

    def __init__(self, secrets: Iterable[str] = (), headers: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._whole = LiteralSet()  # every form of every secret
        self._longest = 0
        self._grams = LiteralSet()  # grams of the forms whose fragments are masked
        self._places: dict[str, list[tuple[str, int]]] = {}  # gram -> (form, offset of the gram in it)
        self._headers = set(SENSITIVE_HEADERS) | {h.lower() for h in headers}
        for secret in secrets:
            self.add(secret)

    @classmethod
    def for_run(cls, urls: Iterable[str | None], env_names: Iterable[str | None], env: Mapping[str, str]) -> Redactor:
        """A redactor that already knows the run's secrets given up front: credentials in `urls`, the variables in `env_names`."""
        redactor = cls()
        for url in urls:
            if url:
                redactor.add_url_credentials(url)
        for name in env_names:
            if name:
                redactor.add(env.get(name))
        return redactor

    def add(self, secret: str | None) -> None:
        """Learn one more secret (a freshly issued token, say); strings under 4 characters are ignored as unsafe to mask."""
        if not secret or len(secret) < 4 or secret in self._secrets:
            return
        self._secrets.add(secret)
        whole, cut = forms_of(secret)
        for form in whole:
            self._whole.add(form)
            self._longest = max(self._longest, len(form))
        for form in cut:
            for offset in range(0, len(form) - _GRAM + 1, _STRIDE):
                gram = form[offset : offset + _GRAM]
                self._grams.add(gram)
                self._places.setdefault(gram, []).append((form, offset))

    def add_url_credentials(self, url: str) -> None:
        """Learn the secrets written in `url`: its password (or a user name standing alone, as tokens are) and credential parameters."""
        try:
            parts = urlsplit(url)
            self.add(parts.password if parts.password is not None else parts.username)
            for key, value in parse_qsl(parts.query, keep_blank_values=False):
                if key.lower() in SENSITIVE_PARAMS:
                    self.add(value)
        except ValueError:
            return

    def add_header(self, name: str) -> None:
        """Treat header `name` (case-insensitive) as a credential header."""
        self._headers.add(name.lower())

    def text(self, value: str | None, *, fragments: bool = True) -> str | None:
        """`value` with every known secret (in any form, and with `fragments` any run of MIN_FRAGMENT of its characters)
        and every URL credential replaced by the mask."""
        if not value:
            return value
        if "://" in value:
            value = _USERINFO_RE.sub(lambda m: f"{m.group(1)}{URL_MASK}@", value)
        if "=" in value:
            value = _PARAM_RE.sub(lambda m: f"{m.group(1)}{URL_MASK}", value)
        value = _masked(value, [(at, at + len(form)) for at, form in self._whole.occurrences(value)])
        return self._fragments(value) if fragments and len(value) >= MIN_FRAGMENT else value

    def _fragments(self, value: str) -> str:
        """`value` with every run of MIN_FRAGMENT or more characters of a secret's form masked."""
        spans: list[tuple[int, int]] = []
        for at, gram in self._grams.occurrences(value):
            for form, offset in self._places[gram]:
                left = 0
                while left < offset and left < at and value[at - left - 1] == form[offset - left - 1]:
                    left += 1
                right = 0
                end, tail = at + _GRAM, offset + _GRAM
                while tail + right < len(form) and end + right < len(value) and value[end + right] == form[tail + right]:
                    right += 1
                if left + _GRAM + right >= MIN_FRAGMENT:
                    spans.append((at - left, end + right))
        return _masked(value, spans)

    def data(self, value: Any) -> Any:
        """`value` (JSON-like nested dicts, lists, tuples and strings) with `text` applied to every string.

        Walked with a stack, not recursion, so a hostile document nested thousands deep cannot stop it.
        Keys are masked only where a whole secret is in them: they are mostly the report's own names
        (`client-secret-env`), which a fragment of a wordy secret such as the sandbox's published one would spoil.
        """
        root: list[Any] = [None]
        stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]  # (source, container of the copy, slot in it)
        while stack:
            source, target, slot = stack.pop()
            if isinstance(source, str):
                target[slot] = self.text(source)
            elif isinstance(source, Mapping):
                copy: dict[Any, Any] = {}
                target[slot] = copy
                for key, item in source.items():
                    key = self.text(key, fragments=False) if isinstance(key, str) else key
                    copy[key] = None
                    stack.append((item, copy, key))
            elif isinstance(source, (list, tuple)):
                items: list[Any] = [None] * len(source)
                target[slot] = items
                stack.extend((item, items, n) for n, item in enumerate(source))
            else:
                target[slot] = source
        return root[0]

    def head(self, body: bytes, cap: int) -> str:
        """The first `cap` bytes of `body` as text, redacted *before* it is cut, so a secret straddling the cut is masked whole.

        The window read past the cap holds the longest form of any secret that starts before it; runs
        the sandbox itself sent cut short are left to the pass where the evidence leaves (`data`).
        """
        margin = 4 * self._longest
        text = self.text(body[: cap + margin].decode("utf-8", "replace"), fragments=False) or ""
        return text if len(body) <= cap else text.encode("utf-8")[:cap].decode("utf-8", "ignore")

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
            netloc = f"{URL_MASK}@{netloc.rsplit('@', 1)[1]}"
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
