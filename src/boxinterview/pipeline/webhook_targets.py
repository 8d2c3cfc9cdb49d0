"""Where webhooks may go: a public address, unless the settings allow more.

An endpoint's URL is chosen by whoever adds it, so a webhook could be aimed at the appliance itself, the office
network or a cloud's metadata service (server-side request forgery). The check is made on the address each
connection is actually opened to, in the socket factory aiohttp calls for every address it tries — after DNS,
and for a literal IP too — so a name that resolves to a public address when it is added and to 127.0.0.1 when
it is used (DNS rebinding) is refused all the same.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

from boxinterview.config.sections import WebhookSettings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(OSError):
    """The address a webhook would connect to is not one it may go to."""


def kind(ip: Address) -> str | None:
    """What makes an address one a webhook may not go to (`loopback`, `private` …), or None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return kind(ip.ipv4_mapped)
    for name, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return name
    return None if ip.is_global else "non-public"


class Guard:
    """Decides each address against `webhooks.allow_private_targets` and `webhooks.allowed_networks`."""

    def __init__(self, settings: WebhookSettings) -> None:
        self.allow_all = settings.allow_private_targets
        self.networks = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]

    def problem(self, address: str) -> str | None:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope (`fe80::1%eth0`) is not part
        why = kind(ip)
        if why is None or self.allow_all or any(ip in n for n in self.networks if n.version == ip.version):
            return None
        return (
            f"refused to connect to {address}, a {why} address: webhooks go to public addresses only "
            "(allow a network with webhooks.allowed_networks)"
        )

    def socket_factory(self) -> Callable[[tuple[Any, ...]], socket.socket]:
        def make(addr_info: tuple[Any, ...]) -> socket.socket:
            family, type_, proto, _, sockaddr = addr_info
            why = self.problem(sockaddr[0])
            if why is not None:
                raise Refused(why)
            return socket.socket(family=family, type=type_, proto=proto)

        return make
