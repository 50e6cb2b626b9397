"""The Redactor: secrets out of strings, headers, URLs and curl lines."""

from __future__ import annotations

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
    assert red.url("https://u:p@h.test/a?access_token=zzz&page=2") == f"https://{MASK}@h.test/a?access_token=%5BREDACTED%5D&page=2"
    assert red.url("https://h.test/a/tok-123456") == f"https://h.test/a/{MASK}"


def test_curl_line_quotes_for_the_shell() -> None:
    line = curl_line("POST", "http://h/x?a=1&b=2", {"Authorization": f"Bearer {MASK}"}, "it's")
    assert line == "curl -sS -X POST -H 'Authorization: Bearer [REDACTED]' --data-binary 'it'\\''s' 'http://h/x?a=1&b=2'"
