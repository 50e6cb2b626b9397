"""Which network addresses a fetch may connect to: public ones, and the kind the user named explicitly.

A spec URL may redirect, or `$ref` other documents; a hostile one points at the cloud metadata
service (169.254.169.254, also written 2852039166 or 0xa9fea9fe), at the evaluator's own machine or
at their private network. The rule is checked on the resolved address at connect time (so no DNS
name, numeric spelling or re-resolution gets round it): a public address is always allowed; a
loopback, private or link-local one only when the URL the user gave is of that same kind.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

PUBLIC = "public"


class AddressRefused(Exception):
    """A connection the address rule refuses; raised before any byte is sent."""


def address_kind(ip: str) -> str:
    """public, loopback, link-local or private (every other non-global range: RFC 1918, CGNAT, ULA, reserved...)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback or addr.is_unspecified:  # 0.0.0.0 reaches this machine too
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if addr.is_global and not addr.is_multicast:
        return PUBLIC
    return "private"


def resolve(host: str, port: int) -> list[str]:
    """The IP addresses `host` resolves to (numeric spellings such as 2852039166 included), in resolver order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class AddressRule:
    """Public addresses, plus the kinds in `also` (those of the URL the user gave)."""

    also: frozenset[str] = frozenset()

    @classmethod
    def for_url_host(cls, host: str, port: int) -> AddressRule:
        """The rule for fetches that start at `host`: its own kinds of address are allowed too."""
        return cls(frozenset(address_kind(ip) for ip in resolve(host, port)))

    def pick(self, host: str, port: int) -> str:
        """The first allowed address of `host`; AddressRefused naming the address when there is none."""
        addresses = resolve(host, port)
        if not addresses:
            raise socket.gaierror(f"{host} could not be resolved")
        for ip in addresses:
            if self.allows(ip):
                return ip
        kind = address_kind(addresses[0])
        raise AddressRefused(f"{host} is {addresses[0]}, a {kind} address, and the URL you gave is not; not connected")

    def allows(self, ip: str) -> bool:
        """Whether a connection to `ip` is allowed."""
        kind = address_kind(ip)
        return kind == PUBLIC or kind in self.also
