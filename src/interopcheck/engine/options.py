"""Validate `check`'s live options before anything runs or is written: URLs, named environment variables, the CA bundle.

A bad value here is the evaluator's typo, not the sandbox's failure, so it is a UsageError (exit 2)
with one line saying how to mend it, instead of 30 `error` outcomes and an `incomplete` verdict.
No secret is ever read into a message: only the names of variables, and URLs with credentials masked.
"""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from interopcheck.errors import UsageError
from interopcheck.live.redact import Redactor

#: (option, keyword, what the variable holds) of every option that names an environment variable.
ENV_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--token-env", "token_env", "the bearer token"),
    ("--api-key-env", "api_key_env", "the API key"),
    ("--client-secret-env", "client_secret_env", "the OAuth 2.0 client secret"),
)
_PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an RFC 9110 token


def validate_live_options(kw: Mapping[str, Any], env: Mapping[str, str] | None = None) -> None:
    """Raise UsageError for the first unusable live option in `kw` (the parsed flags of `check`)."""
    env = os.environ if env is None else env
    if kw.get("base_url") is not None:
        require_http_url("--base-url", kw["base_url"], "give the sandbox's base URL, e.g. https://sandbox.example")
    if kw.get("token_url") is not None:
        require_http_url("--token-url", kw["token_url"], "give the OAuth 2.0 token endpoint, e.g. https://sandbox.example/oauth/token")
    for option, key, what in ENV_OPTIONS:
        if kw.get(key) is not None:
            require_env(option, kw[key], what, env)
    if kw.get("ca_bundle") is not None:
        require_ca_bundle(kw["ca_bundle"])
    if kw.get("api_key_header") is not None and not _HEADER_NAME.fullmatch(kw["api_key_header"]):
        raise UsageError(
            f"--api-key-header {kw['api_key_header']!r} is not an HTTP header name; "
            "give a name of letters, digits and - (e.g. --api-key-header X-API-Key)"
        )


def _shown(url: str) -> str:
    """`url` as a message may show it: user info and credential parameters masked."""
    return Redactor().url(url) or url


def require_http_url(option: str, url: str, mend: str) -> None:
    """UsageError unless `url` is an absolute http:// or https:// URL with a host."""
    try:
        parts = urlsplit(url.strip())
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and url == url.strip()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        ok = False
    if not ok:
        raise UsageError(f"{option} {_shown(url)!r} is not an http(s) URL; {mend}")


def require_env(option: str, name: str, what: str, env: Mapping[str, str]) -> None:
    """UsageError unless environment variable `name` is set and not empty (its value is never shown)."""
    if not name or "=" in name or "\0" in name:
        raise UsageError(f"{option} {name!r} is not an environment variable name; give the name of the variable that holds {what}, e.g. {option} SANDBOX_SECRET")
    if not env.get(name):
        raise UsageError(
            f"{option} {name}: the environment variable {name} is not set or is empty; "
            f"set it to {what} (export {name}=...) or name another variable"
        )


def require_ca_bundle(value: str | os.PathLike[str]) -> None:
    """UsageError unless `value` is a readable file of PEM certificates that TLS can load."""
    path = Path(value)
    mend = "give a PEM file of the sandbox's CA certificates (-----BEGIN CERTIFICATE-----)"
    if not path.exists():
        raise UsageError(f"--ca-bundle '{path}' does not exist; {mend}")
    if not path.is_file():
        raise UsageError(f"--ca-bundle '{path}' is not a file; {mend}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"--ca-bundle '{path}' cannot be read ({exc.strerror or exc}); {mend}") from None
    if _PEM_CERTIFICATE not in data:
        raise UsageError(f"--ca-bundle '{path}' holds no PEM certificate; {mend}")
    try:
        ssl.create_default_context().load_verify_locations(cafile=str(path))
    except (ssl.SSLError, ValueError, OSError) as exc:
        detail = str(exc.args[1]) if isinstance(exc, ssl.SSLError) and len(exc.args) > 1 else str(exc)
        detail = re.sub(r"\s*\(_ssl\.c:\d+\)", "", detail) or type(exc).__name__
        raise UsageError(f"--ca-bundle '{path}' is not a valid PEM certificate file (OpenSSL: {detail}); {mend}") from None


_YEAR = re.compile(r"^(\d{4})(?:/(\d{2}))?$")


def parse_standards_year(value: str | int | None) -> int | None:
    """`--standards-year`: a start year (2025) or a collection year (2025/26) as its start year; UsageError otherwise.

    Whether the profile knows the year is decided when the profile is loaded (`engine.run.standards_year`).
    """
    if value is None:
        return None
    text = str(value).strip()
    match = _YEAR.match(text)
    mend = "give the collection year's start year, e.g. --standards-year 2025, or the year itself, e.g. 2025/26"
    if not match:
        raise UsageError(f"--standards-year {text!r} is not a year; {mend}")
    start = int(match.group(1))
    if match.group(2) is not None and int(match.group(2)) != (start + 1) % 100:
        raise UsageError(f"--standards-year {text!r}: {match.group(2)} does not follow {start}; {mend}")
    return start


def parse_module_list(value: str | None) -> tuple[str, ...] | None:
    """`--require-modules repairs,homelessness` as ids in the order given (each once); None when not given.

    Whether the profile defines them is decided when it is loaded (`engine.scope.resolve_scope`, with did you mean).
    """
    if value is None:
        return None
    ids = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    if not ids:
        raise UsageError(f"--require-modules {value!r} names no module; give module ids, comma-separated, e.g. --require-modules repairs,homelessness")
    return ids
