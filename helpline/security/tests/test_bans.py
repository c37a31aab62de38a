"""Bans by IP, network (IPv4 and IPv6), visitor id; expiry; lifting; per account; audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpline.core import clock
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.security.actions import ban_visitor, lift_ban
from helpline.security.bans import is_banned
from helpline.security.models import AuditEntry, Ban

pytestmark = pytest.mark.django_db


def test_an_ip_ban_matches_that_address_only(account):
    ban_visitor(account=account, kind="ip", value=" 203.0.113.7 ")
    assert is_banned(account, ip="203.0.113.7") is True
    assert is_banned(account, ip="::ffff:203.0.113.7") is True  # the same address, IPv4-mapped
    assert is_banned(account, ip="203.0.113.8") is False
    assert is_banned(account, ip=None, visitor_id=None) is False
    assert is_banned(account, ip="not an ip") is False


def test_an_ipv4_network_ban(account):
    ban = ban_visitor(account=account, kind="network", value="198.51.100.77/24")
    assert ban.value == "198.51.100.0/24"
    assert is_banned(account, ip="198.51.100.1") is True
    assert is_banned(account, ip="198.51.100.255") is True
    assert is_banned(account, ip="198.51.101.1") is False
    assert is_banned(account, ip="2001:db8::1") is False


def test_an_ipv6_network_ban(account):
    ban_visitor(account=account, kind="network", value="2001:DB8:abcd::/48")
    assert Ban.objects.get().value == "2001:db8:abcd::/48"
    assert is_banned(account, ip="2001:db8:abcd:12::1") is True
    assert is_banned(account, ip="2001:db8:abce::1") is False
    assert is_banned(account, ip="198.51.100.1") is False


def test_a_visitor_id_ban(account):
    ban_visitor(account=account, kind="visitor", value="v-123")
    assert is_banned(account, visitor_id="v-123") is True
    assert is_banned(account, visitor_id="v-1234") is False
    assert is_banned(account, ip="203.0.113.7", visitor_id="v-123") is True


def test_an_expired_ban_no_longer_applies(account, monkeypatch):
    start = clock.now()
    ban_visitor(account=account, kind="ip", value="203.0.113.7", expires_at=start + timedelta(hours=1))
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=59))
    assert is_banned(account, ip="203.0.113.7") is True
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(hours=1))
    assert is_banned(account, ip="203.0.113.7") is False


def test_a_lifted_ban_no_longer_applies_and_lifting_twice_is_one_audit_row(account, owner):
    ban = ban_visitor(account=account, kind="visitor", value="v-9", reason="Abuse", actor=Actor(user=owner))
    lift_ban(ban=ban, actor=Actor(user=owner))
    lift_ban(ban=ban, actor=Actor(user=owner))
    assert is_banned(account, visitor_id="v-9") is False
    ban.refresh_from_db()
    assert (ban.lifted_by, ban.created_by, ban.reason) == (owner, owner, "Abuse")
    actions = list(AuditEntry.objects.filter(subject_id=ban.public_id).order_by("id").values_list("action", flat=True))
    assert actions == ["visitor.banned", "visitor.ban_lifted"]


def test_bans_are_per_account(account, other_account):
    ban_visitor(account=account, kind="network", value="203.0.113.0/24")
    ban_visitor(account=account, kind="visitor", value="v-1")
    assert is_banned(other_account, ip="203.0.113.7") is False
    assert is_banned(other_account, visitor_id="v-1") is False


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("ip", "203.0.113.300"),
        ("ip", ""),
        ("network", "203.0.113.0/33"),
        ("network", "0.0.0.0/0"),
        ("network", "banana"),
        ("visitor", "x" * 65),
        ("mac", "00:11:22:33:44:55"),
    ],
)
def test_bad_values_are_refused(account, kind, value):
    with pytest.raises(DomainError):
        ban_visitor(account=account, kind=kind, value=value)
    assert Ban.objects.count() == 0
    assert AuditEntry.objects.filter(action="visitor.banned").count() == 0


def test_an_expiry_in_the_past_is_refused(account):
    with pytest.raises(DomainError):
        ban_visitor(account=account, kind="ip", value="203.0.113.7", expires_at=clock.now() - timedelta(seconds=1))
    assert Ban.objects.count() == 0
