"""The address rule (`net.addresses`) every spec fetch connects under: public, or the kind of the URL given."""

from __future__ import annotations

import pytest

from interopcheck.net.addresses import AddressRefused, AddressRule, address_kind, resolve


@pytest.mark.parametrize(
    ("ip", "kind"),
    [
        ("93.184.215.14", "public"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1%lo", "link-local"),
        ("::ffff:169.254.169.254", "link-local"),
        ("10.0.0.1", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("100.64.0.1", "private"),
        ("fd00:ec2::254", "private"),
        ("224.0.0.1", "private"),
    ],
)
def test_address_kinds(ip: str, kind: str) -> None:
    assert address_kind(ip) == kind


@pytest.mark.parametrize("spelling", ["169.254.169.254", "2852039166", "0xa9fea9fe", "0251.0376.0251.0376"])
def test_numeric_spellings_resolve_to_the_metadata_address(spelling: str) -> None:
    assert resolve(spelling, 80) == ["169.254.169.254"]
    with pytest.raises(AddressRefused, match="link-local"):
        AddressRule(frozenset({"loopback"})).pick(spelling, 80)


def test_the_kind_of_the_given_url_is_allowed() -> None:
    assert AddressRule.for_url_host("127.0.0.1", 80).pick("127.0.0.1", 80) == "127.0.0.1"
    assert AddressRule().allows("93.184.215.14")
    assert not AddressRule().allows("127.0.0.1")
    assert not AddressRule(frozenset({"loopback"})).allows("10.1.2.3")
