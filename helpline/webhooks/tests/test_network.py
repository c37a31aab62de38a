"""The address checks: nothing that is not public is called unless an admin allowed its range."""

from __future__ import annotations

import ipaddress

import pytest

from helpline.core.errors import DomainError
from helpline.webhooks import network


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/", "https:///path", "http://user:pw@example.com/", "javascript:alert(1)", "http://exa mple/"],
)
def test_only_plain_http_urls_with_a_host_are_accepted(url):
    with pytest.raises(network.Refused):
        network.check_url(url)


def test_a_url_keeps_its_path_query_and_port():
    assert network.check_url("https://hooks.example.com:8443/in/abc?x=1") == network.Target(
        "https", "hooks.example.com", 8443, "/in/abc?x=1"
    )
    assert network.check_url("http://example.com").port == 80
    assert network.check_url("https://example.com/ä/b%20c?q=ü&x=1").path == "/%C3%A4/b%20c?q=%C3%BC&x=1"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "not a public address"),
        ("10.1.2.3", "not a public address"),
        ("172.16.0.9", "not a public address"),
        ("192.168.1.1", "not a public address"),
        ("169.254.10.10", "not a public address"),
        ("100.64.0.1", "not a public address"),
        ("0.0.0.0", "not a public address"),
        ("::1", "not a public address"),
        ("fe80::1", "not a public address"),
        ("fc00::1", "not a public address"),
        ("169.254.169.254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("224.0.0.1", "not a public address"),
    ],
)
def test_addresses_that_are_not_public_are_refused(address, reason):
    assert reason in network.vet_address(ipaddress.ip_address(address), [])


def test_an_allowed_range_opens_exactly_that_range_but_never_the_metadata_address():
    allowed = [ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("169.254.0.0/16")]
    assert network.vet_address(ipaddress.ip_address("10.9.9.9"), allowed) == ""
    assert "not a public" in network.vet_address(ipaddress.ip_address("192.168.0.1"), allowed)
    assert "cloud metadata" in network.vet_address(ipaddress.ip_address("169.254.169.254"), allowed)
    assert network.vet_address(ipaddress.ip_address("93.184.215.14"), []) == ""


def test_ipv4_mapped_ipv6_is_judged_as_the_ipv4_address():
    target = network.check_url("http://[::ffff:127.0.0.1]:80/")
    with pytest.raises(network.Refused, match="127.0.0.1 is not a public address"):
        network.resolve(target, [])


def test_a_host_name_is_resolved_before_it_is_judged():
    with pytest.raises(network.Refused, match="127.0.0.1 is not a public address"):
        network.resolve(network.check_url("http://localhost:9/"), [])
    assert network.resolve(network.check_url("http://localhost:9/"), ["127.0.0.0/8"]) == "127.0.0.1"


def test_a_host_that_does_not_resolve_is_refused():
    with pytest.raises(network.Refused, match="does not resolve"):
        network.resolve(network.check_url("http://no-such-host.invalid/"), [])


def test_loopback_is_refused_and_nothing_is_sent_without_the_allowed_range(recorder):
    with pytest.raises(network.Refused):
        network.post_json(recorder.url + "/hook", b"{}", headers={}, allowed_ranges=[])
    assert recorder.requests == []
    answer = network.post_json(recorder.url + "/hook", b"{}", headers={}, allowed_ranges=["127.0.0.0/8"])
    assert answer.status_code == 200 and answer.excerpt == "ok"
    assert [(r.path, r.body) for r in recorder.requests] == [("/hook", b"{}")]


def test_the_request_goes_to_the_vetted_address_with_the_host_name_in_the_host_header(recorder):
    port = recorder.server_address[1]
    network.post_json(f"http://localhost:{port}/x?y=1", b"{}", headers={}, allowed_ranges=["127.0.0.0/8"])
    assert recorder.requests[0].headers["host"] == f"localhost:{port}"
    assert recorder.requests[0].path == "/x?y=1"


def test_redirects_are_not_followed(recorder):
    recorder.answer((302, {"Location": recorder.url + "/elsewhere"}, b""))
    answer = network.post_json(recorder.url + "/hook", b"{}", headers={}, allowed_ranges=["127.0.0.0/8"])
    assert answer.status_code == 302
    assert [r.path for r in recorder.requests] == ["/hook"]


def test_allowed_ranges_are_normalised_and_checked():
    assert network.parse_ranges("10.0.0.0/8\n\n 192.168.1.7/24 \n10.0.0.0/8") == ["10.0.0.0/8", "192.168.1.0/24"]
    assert network.parse_ranges(["::1/128"]) == ["::1/128"]
    with pytest.raises(DomainError, match="is not an address range"):
        network.parse_ranges("10.0.0.0/33")
