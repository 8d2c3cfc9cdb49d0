"""Which addresses a webhook may connect to: decided on the address itself, whatever name led to it."""

from __future__ import annotations

import pytest

from boxinterview.config.sections import WebhookSettings
from boxinterview.pipeline.webhook_targets import Guard


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4 inside IPv6
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.10", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # a cloud's metadata service
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),  # shared address space (carrier-grade NAT)
    ],
)
def test_addresses_that_are_not_public_are_refused(address: str, why: str) -> None:
    problem = Guard(WebhookSettings()).problem(address)
    assert problem is not None and f"a {why} address" in problem


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "93.184.216.34"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert Guard(WebhookSettings()).problem(address) is None


def test_allowed_networks_open_exactly_those_networks() -> None:
    guard = Guard(WebhookSettings(allowed_networks=["10.0.5.20/32", "fd00:5::/64"]))
    assert guard.problem("10.0.5.20") is None and guard.problem("fd00:5::9") is None
    assert guard.problem("10.0.5.21") is not None and guard.problem("127.0.0.1") is not None
    assert Guard(WebhookSettings(allow_private_targets=True)).problem("169.254.169.254") is None


def test_the_settings_refuse_a_network_that_is_not_one(tmp_path) -> None:
    from boxinterview.config.settings import ConfigError, load_settings

    path = tmp_path / "c.yaml"
    path.write_text("webhooks:\n  allowed_networks: [10.0.5.0/24, intranet]\n  retry_delays_seconds: []\n")
    with pytest.raises(ConfigError) as refused:
        load_settings(path, environ={})
    text = str(refused.value)
    assert "webhooks.allowed_networks: expected a list of networks" in text and "'intranet'" in text
    assert "webhooks.retry_delays_seconds: expected a list of one or more delays" in text
