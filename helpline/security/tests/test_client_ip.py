"""The client address behind reverse proxies: X-Forwarded-For only from a trusted peer, read from the right."""

from __future__ import annotations

import pytest

from helpline.config.environment import ConfigurationError, trusted_proxies
from helpline.security.client_ip import client_ip, request_ip, scope_ip

PROXIES = ["127.0.0.1/32", "::1/128", "10.0.0.0/8"]


@pytest.fixture(autouse=True)
def _proxies(settings):
    settings.TRUSTED_PROXIES = PROXIES


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        # No proxy in front: the peer is the client, whatever it writes into the header.
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
        ("2001:db8::5", ["198.51.100.1"], "2001:db8::5"),
        ("::ffff:203.0.113.9", [], "203.0.113.9"),
        # A trusted proxy: the address it appended.
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),
        ("::1", ["2001:db8::7"], "2001:db8::7"),
        # A client forging the header before the proxy: the forged part sits to the left and is never reached.
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
        # Two trusted proxies in a row (one header each, or one list): skipped from the right.
        ("127.0.0.1", ["198.51.100.1, 10.1.2.3"], "198.51.100.1"),
        ("10.0.0.2", ["198.51.100.1", "10.1.2.3"], "198.51.100.1"),
        # Ports and brackets as some proxies write them.
        ("127.0.0.1", ["198.51.100.1:51234"], "198.51.100.1"),
        ("127.0.0.1", ['"[2001:db8::9]:443"'], "2001:db8::9"),
        # A trusted peer without the header, or with nothing usable in it: the peer.
        ("127.0.0.1", [], "127.0.0.1"),
        ("127.0.0.1", ["not-an-address"], "127.0.0.1"),
        ("127.0.0.1", ["unknown, 198.51.100.1"], "198.51.100.1"),
        # Every hop trusted: the leftmost (the client is a proxy itself).
        ("127.0.0.1", ["10.9.9.9, 10.1.1.1"], "10.9.9.9"),
        # No peer at all (a unix socket).
        ("", ["198.51.100.1"], ""),
        (None, [], ""),
    ],
)
def test_client_ip(peer, forwarded, expected):
    assert client_ip(peer, forwarded) == expected


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip("127.0.0.1", ["198.51.100.1"]) == "127.0.0.1"


def test_request_and_scope_read_the_same_way(rf):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.1")
    assert request_ip(request) == "198.51.100.1"
    assert request_ip(rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")) == "203.0.113.9"
    scope = {"client": ["127.0.0.1", 5000], "headers": [(b"X-Forwarded-For", b"198.51.100.1"), (b"host", b"x")]}
    assert scope_ip(scope) == "198.51.100.1"
    assert scope_ip({"client": None, "headers": []}) == ""


def test_the_setting_reads_addresses_and_networks():
    assert trusted_proxies(None) == ["127.0.0.1/32", "::1/128"]
    assert trusted_proxies("") == []
    assert trusted_proxies(" 10.0.0.0/8 , 192.168.1.7,fd00::/8") == ["10.0.0.0/8", "192.168.1.7/32", "fd00::/8"]
    assert trusted_proxies("10.0.0.1/8") == ["10.0.0.0/8"]
    with pytest.raises(ConfigurationError, match="'proxy.internal' is neither an IP address nor a network"):
        trusted_proxies("10.0.0.0/8,proxy.internal")
