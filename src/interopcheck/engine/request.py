"""Turn the parsed command-line options of `check` into a RunRequest (no I/O, no printing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from interopcheck.checks.context import RunOptions
from interopcheck.engine.options import parse_module_list, parse_standards_year
from interopcheck.engine.run import RunRequest
from interopcheck.errors import UsageError

_LIVE_ONLY = ("token_env", "api_key_env", "token_url", "client_id", "client_secret_env", "scope", "ca_bundle", "allow_writes", "transcript")
#: The ways to authenticate: one at a time, or which one is used would be a guess.
_AUTH_WAYS = (("--token-env", "token_env"), ("--api-key-env", "api_key_env"), ("--token-url", "token_url"))


def check_request(kw: Mapping[str, Any]) -> RunRequest:
    """A RunRequest from `check`'s options; options that need a sandbox without one are a usage error."""
    base_url = kw.get("base_url")
    if not base_url:
        given = [f"--{name.replace('_', '-')}" for name in _LIVE_ONLY if kw.get(name)]
        if given:
            raise UsageError(f"{', '.join(given)} given without --base-url", hint="add --base-url URL of the sandbox, or drop them")
    if kw.get("sign_key") and not kw.get("bundle"):
        raise UsageError("--sign-key given without --bundle", hint="add --bundle; the signature covers the bundle's manifest")
    options = RunOptions(
        seed=kw.get("seed", 0),
        sample=kw.get("sample", 50),
        max_pages=kw.get("max_pages", 50),
        max_examples=kw.get("max_examples", 10),
        allow_writes=bool(kw.get("allow_writes")),
        export_max_records=kw.get("export_max_records"),
        export_max_bytes=kw.get("export_max_bytes"),
        export_timeout=kw.get("export_timeout", 600.0),
        measures_year=kw.get("measures_year"),
    )
    return RunRequest(
        spec=kw["spec"],
        profile=kw.get("profile", "housing"),
        overlays=tuple(kw.get("overlays") or ()),
        declaration=kw.get("declaration"),
        live=live_options(kw) if base_url else None,
        options=options,
        allow_remote_refs=bool(kw.get("allow_remote_refs")),
        max_spec_bytes=kw.get("max_spec_bytes", 50_000_000),
        require_modules=parse_module_list(kw.get("require_modules")),
        standards_year=parse_standards_year(kw.get("standards_year")),
        environment=kw.get("environment") or "sandbox",
    )


def live_options(kw: Mapping[str, Any]) -> Any:
    """The live session's options from the command line."""
    from interopcheck.live.session import LiveOptions

    for key in ("client_id", "client_secret_env", "scope"):
        if kw.get(key) and not kw.get("token_url"):
            raise UsageError(f"--{key.replace('_', '-')} given without --token-url", hint="add --token-url of the OAuth 2.0 token endpoint")
    ways = [option for option, key in _AUTH_WAYS if kw.get(key)]
    if len(ways) > 1:
        raise UsageError(f"{' and '.join(ways)} are {len(ways)} ways to authenticate", hint="give one of them")
    if kw.get("api_key_header") not in (None, "Authorization") and not kw.get("api_key_env"):
        raise UsageError("--api-key-header given without --api-key-env", hint="add --api-key-env naming the variable that holds the key")
    if kw.get("token_url") and not (kw.get("client_id") and kw.get("client_secret_env")):
        raise UsageError("--token-url needs --client-id and --client-secret-env", hint="name the client and the variable holding its secret")
    return LiveOptions(
        base_url=kw["base_url"],
        rate=kw.get("rate", 10.0),
        timeout=kw.get("timeout", 10.0),
        ca_bundle=kw.get("ca_bundle"),
        allow_writes=bool(kw.get("allow_writes")),
        token_env=kw.get("token_env"),
        api_key_env=kw.get("api_key_env"),
        api_key_header=kw.get("api_key_header") or "Authorization",
        token_url=kw.get("token_url"),
        client_id=kw.get("client_id"),
        client_secret_env=kw.get("client_secret_env"),
        scope=kw.get("scope"),
    )
