"""Credentials: bearer and API key from the environment, OAuth 2.0 client credentials with refresh, clear errors without secrets."""

from __future__ import annotations

from collections.abc import Callable

import live_minisandbox as mini
import pytest

from interopcheck.errors import AuthError, LiveError
from interopcheck.live.auth import OAuth2ClientCredentials, credentials_from_options
from interopcheck.live.redact import Redactor
from interopcheck.live.session import LiveOptions, open_session

pytestmark = pytest.mark.timeout(30)


def test_bearer_token_from_env() -> None:
    red = Redactor()
    creds = credentials_from_options(LiveOptions("http://x", token_env="TOK"), red, {"TOK": "tok-abcdef"})
    assert creds.headers() == {"Authorization": "Bearer tok-abcdef"}
    assert red.text("x tok-abcdef y") == "x [REDACTED] y"


def test_api_key_header_from_env_is_redacted_by_name() -> None:
    red = Redactor()
    creds = credentials_from_options(LiveOptions("http://x", api_key_env="KEY", api_key_header="X-Api-Token"), red, {"KEY": "key-123456"})
    assert creds.kind == "api-key" and creds.headers() == {"X-Api-Token": "key-123456"}
    assert red.headers({"x-api-token": "anything"}) == {"x-api-token": "[REDACTED]"}


def test_missing_env_var_is_a_clear_auth_error() -> None:
    with pytest.raises(AuthError, match="TOK .*not set"):
        credentials_from_options(LiveOptions("http://x", token_env="TOK"), Redactor(), {})
    with pytest.raises(AuthError, match="--client-id"):
        credentials_from_options(LiveOptions("http://x", token_url="http://x/token"), Redactor(), {})


def test_no_credentials_sends_no_headers() -> None:
    creds = credentials_from_options(LiveOptions("http://x"), Redactor(), {})
    assert creds.kind == "none" and creds.headers() == {}


def test_oauth2_token_issued_cached_and_refreshed_on_expiry(sandbox: Callable[..., str]) -> None:
    url = sandbox()
    now = [1000.0]
    red = Redactor([mini.CLIENT_SECRET])
    creds = OAuth2ClientCredentials(url + "/oauth/token", mini.CLIENT_ID, mini.CLIENT_SECRET, red, clock=lambda: now[0])
    first = creds.token()
    assert creds.token() == first and creds.issued == 1
    now[0] += 3600 - 10  # inside the refresh margin
    second = creds.token()
    assert second != first and creds.issued == 2
    assert red.text(f"a {second} b") == "a [REDACTED] b"


def test_oauth2_refusal_message_never_contains_the_secret(sandbox: Callable[..., str]) -> None:
    url = sandbox()
    secret = "wrong-Secret-Value-77"
    options = LiveOptions(url, token_url=url + "/oauth/token", client_id=mini.CLIENT_ID, client_secret_env="S", timeout=2.0)
    with pytest.raises(AuthError) as err:
        open_session(options, None, None, env={"S": secret})
    assert "refused the client credentials (HTTP 401)" in str(err.value)
    assert secret not in str(err.value)


def test_unreachable_token_endpoint_is_an_auth_error() -> None:
    red = Redactor()
    creds = OAuth2ClientCredentials("http://127.0.0.1:9/token", "id", "secret-xyz-123", red, timeout=0.5)
    with pytest.raises(AuthError, match="could not be reached") as err:
        creds.token()
    assert "secret-xyz-123" not in str(err.value)
    assert isinstance(err.value, LiveError)
