"""The Redactor: secrets out of strings, headers, URLs and curl lines."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from interopcheck.live.redact import MASK, Redactor, curl_line


def test_text_and_url_encoded_secrets_are_masked() -> None:
    red = Redactor(["p@ss word/1"])
    assert red.text("x=p@ss word/1") == f"x={MASK}"
    assert red.text("x=p%40ss%20word%2F1") == f"x={MASK}"
    assert red.text("nothing here") == "nothing here"


def test_short_values_are_not_treated_as_secrets() -> None:
    red = Redactor(["ab"])
    assert red.text("abc") == "abc"


def test_credential_headers_masked_keeping_the_scheme() -> None:
    red = Redactor(headers=["X-Key"])
    out = red.headers({"Authorization": "Bearer abc.def", "Cookie": "s=1", "X-Key": "k", "Accept": "application/json"})
    assert out == {"Authorization": f"Bearer {MASK}", "Cookie": MASK, "X-Key": MASK, "Accept": "application/json"}


def test_urls_lose_user_info_and_credential_parameters() -> None:
    red = Redactor(["tok-123456"])
    assert red.url("https://u:p@h.test/a?access_token=zzz&page=2") == "https://%5BREDACTED%5D@h.test/a?access_token=%5BREDACTED%5D&page=2"
    assert red.url("https://h.test/a/tok-123456") == f"https://h.test/a/{MASK}"


def test_curl_line_quotes_for_the_shell() -> None:
    line = curl_line("POST", "http://h/x?a=1&b=2", {"Authorization": f"Bearer {MASK}"}, "it's")
    assert line == "curl -sS -X POST -H 'Authorization: Bearer [REDACTED]' --data-binary 'it'\\''s' 'http://h/x?a=1&b=2'"


# -- issue 19: every form a hostile sandbox can echo a secret in -----------------------------

TOKEN = "fwvxL8FLjtqk34gvPJb2rkZVogJoiWDhOy9vLMZkXu4"
SLASHED = "Cl/ent+Secret=Value-7Q9xK2"


def test_json_escaped_and_percent_encoded_forms_are_masked() -> None:
    red = Redactor([SLASHED])
    assert red.text('{"u": "Cl\\/ent+Secret=Value-7Q9xK2"}') == '{"u": "[REDACTED]"}'
    assert red.text("q=Cl%2fent%2bSecret%3dValue-7Q9xK2") == f"q={MASK}"  # lower-case hex too
    assert red.text("q=Cl%2Fent%2BSecret%3DValue-7Q9xK2") == f"q={MASK}"
    assert red.text("q=Cl/ent%2BSecret%3DValue-7Q9xK2") == f"q={MASK}"  # quote()'s default keeps "/"


def test_a_secret_inside_base64_is_masked_whatever_it_is_prefixed_with() -> None:
    import base64

    red = Redactor([SLASHED])
    for user in ("a", "ab", "abc", "interopcheck-sandbox"):
        basic = base64.b64encode(f"{user}:{SLASHED}".encode()).decode()
        out = red.text(f"Authorization: Basic {basic}") or ""
        assert MASK in out
        assert len(out) < len(f"Authorization: Basic {basic}") - 16


def test_a_cut_secret_loses_every_fragment_of_eight_characters_or_more() -> None:
    red = Redactor([TOKEN])
    for cut in range(8, len(TOKEN)):
        assert TOKEN[:cut] not in (red.text(f'"uprn": "Bearer {TOKEN[:cut]}…"') or "")  # a head kept by a clip
        assert TOKEN[-cut:] not in (red.text(f"…{TOKEN[-cut:]} tail") or "")  # a tail kept by a window
    assert TOKEN[10:30] not in (red.text(f"x{TOKEN[10:30]}y") or "")  # a middle
    assert red.text(f"Bearer {TOKEN[:7]}") == f"Bearer {TOKEN[:7]}"  # too short to tell from chance


def test_the_evidence_head_is_redacted_before_it_is_cut() -> None:
    red = Redactor([TOKEN])
    cap = 1024
    body = b"x" * (cap - 13) + TOKEN.encode() + b" tail"
    head = red.head(body, cap)
    assert len(head.encode()) <= cap
    assert not any(TOKEN[i : i + 4] in head for i in range(0, len(TOKEN) - 3))
    assert red.head(b"short", cap) == "short"


def test_stateless_text_masks_credentials_written_in_urls() -> None:
    red = Redactor()
    line = "reading http://bob:pa55word@h.test/openapi.json?page=2&token=abc123&API_KEY=zz9 (x)"
    masked = "reading http://%5BREDACTED%5D@h.test/openapi.json?page=2&token=%5BREDACTED%5D&API_KEY=%5BREDACTED%5D (x)"
    assert red.text(line) == masked
    assert red.text(masked) == masked
    assert urlsplit(masked.split()[1]).hostname == "h.test"  # still a URL that parses


def test_data_redacts_every_string_in_a_nested_report() -> None:
    red = Redactor([TOKEN])
    data = {"a": [f"Bearer {TOKEN}", {"b": (TOKEN[:20] + "…",)}], TOKEN: 3, "n": 1.5, "none": None}
    assert red.data(data) == {"a": [f"Bearer {MASK}", {"b": [f"{MASK}…"]}], MASK: 3, "n": 1.5, "none": None}
    wordy = Redactor(["sandbox-secret-not-a-secret"])  # the reference sandbox's published secret
    assert wordy.data({"client-secret-env": "x"}) == {"client-secret-env": "x"}  # a report's own names stay whole
    deep: Any = f"Bearer {TOKEN}"
    for n in range(5000):  # far past the recursion limit
        deep = {"n": [deep]} if n % 2 else [deep]
    out = red.data(deep)
    for n in range(5000):
        out = out["n"][0] if isinstance(out, dict) else out[0]
    assert out == f"Bearer {MASK}"


def test_url_credentials_and_environment_secrets_are_learnt_up_front() -> None:
    red = Redactor.for_run(
        urls=["https://u:s3cr3t-pw@h.test/spec.yaml?api_key=k-123456&x=1", None],
        env_names=["TOK", None, "MISSING"],
        env={"TOK": "env-token-value-42"},
    )
    assert red.text("echo s3cr3t-pw k-123456 env-token-value-42") == f"echo {MASK} {MASK} {MASK}"


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=_.~-"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    secret=st.text(_ALPHABET, min_size=12, max_size=60),
    before=st.text(_ALPHABET + " \"{}:,", max_size=40),
    after=st.text(_ALPHABET + " \"{}:,", max_size=40),
    form=st.sampled_from(["raw", "percent", "json"]),
    cut=st.tuples(st.integers(0, 60), st.integers(0, 60)),
)
def test_no_run_of_eight_characters_of_any_form_survives(secret: str, before: str, after: str, form: str, cut: tuple[int, int]) -> None:
    """Whatever surrounds it and wherever it is cut, no 8-character run of a secret's written form is left."""
    import json as _json
    from urllib.parse import quote as _quote

    assume("REDACTED" not in secret)  # the mask itself would bring it back
    written = {"raw": secret, "percent": _quote(secret, safe=""), "json": _json.dumps(secret)[1:-1].replace("/", "\\/")}[form]
    start, stop = sorted(cut)
    piece = written[start:stop] if stop - start >= 8 else written
    out = Redactor([secret]).text(before + piece + after) or ""
    assert not any(written[i : i + 8] in out for i in range(len(written) - 7)), out


def _token_across_the_cap(size: int, cap: int) -> Callable[[socket.socket, bytes], None]:
    body = b"x" * (cap - 13) + TOKEN.encode() + b"y" * (size - cap - len(TOKEN) + 13)

    def handle(conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)

    return handle


@pytest.mark.parametrize("size", [4096, 20_000], ids=["kept", "over the response cap"])
def test_the_client_redacts_evidence_before_cutting_it(size: int) -> None:
    """A token straddling the evidence cap leaves no part of it, in a kept body or in a refused one's evidence."""
    from live_servers import serve_raw

    from interopcheck.live.client import SafeClient
    from interopcheck.live.failures import ResponseTooLarge

    with serve_raw(_token_across_the_cap(size, 1024)) as url:
        with SafeClient(url, rate=1000, evidence_cap=1024, max_response_bytes=10_000, redactor=Redactor([TOKEN])) as client:
            try:
                exchange = client.get("/").exchange
            except ResponseTooLarge as exc:
                exchange = exc.exchange
    assert exchange is not None and exchange.response is not None
    body = exchange.response.body or ""
    assert exchange.response.body_truncated and MASK in body
    assert not any(TOKEN[i : i + 4] in body for i in range(len(TOKEN) - 3)), body[-40:]


def test_thousands_of_issued_tokens_are_all_masked() -> None:
    """A sandbox that issues a token per request: every one is masked, in few regex levels, not a loop over them all."""
    import secrets as _secrets

    from interopcheck.live.literals import SMALL

    tokens = [_secrets.token_urlsafe(24) for _ in range(600)]
    red = Redactor()
    for token in tokens:
        red.add(token)
    text = " | ".join(f"Bearer {t}" for t in tokens[::37]) + f" {tokens[-1][:12]}…"
    out = red.text(text) or ""
    assert not any(t[:8] in out for t in tokens), out[:200]
    assert out.count(MASK) == len(tokens[::37]) + 1
    assert len(red._whole) > SMALL and len(red._whole._patterns(False)) <= 12  # tries, in about log2(n / 32) levels


@pytest.mark.parametrize("small", [256, 0], ids=["finds", "tries"])
def test_literal_set_falls_back_to_a_shorter_literal_sharing_the_prefix(small: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from interopcheck.live import literals

    monkeypatch.setattr(literals, "SMALL", small)
    lits = literals.LiteralSet()
    for word in ("abcd", "abcdefgh-long", "zzzz"):
        lits.add(word)
    assert sorted(lits.occurrences("xabcdefgh-lonX abcd zzzzz")) == [(1, "abcd"), (15, "abcd"), (20, "zzzz"), (21, "zzzz")]
    assert "abcd" in lits and "abc" not in lits and len(lits) == 3
