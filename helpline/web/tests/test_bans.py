"""Settings → Banned visitors: list, add, lift; permissions, tenant isolation, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.core import clock
from helpline.security.actions import ban_visitor
from helpline.security.bans import is_banned
from helpline.security.models import AuditEntry, Ban

pytestmark = pytest.mark.django_db
URL = "/agent/settings/bans/"


def test_the_owner_bans_a_network_for_a_day(owner_client, account, owner):
    response = owner_client.post(
        URL + "new/", {"value": "203.0.113.0/24", "kind": "", "duration": "24", "reason": "Spam"}
    )
    assert (response.status_code, response["Location"]) == (302, URL)
    ban = Ban.objects.get(account=account)
    assert (ban.kind, ban.value, ban.reason, ban.created_by) == ("network", "203.0.113.0/24", "Spam", owner)
    assert abs((ban.expires_at - clock.now()) - timedelta(hours=24)) < timedelta(minutes=1)
    assert is_banned(account, ip="203.0.113.9")
    page = owner_client.get(URL).content.decode()
    assert "203.0.113.0/24" in page and "Spam" in page


def test_the_kind_is_detected_and_never_expires_when_asked(owner_client, account):
    owner_client.post(URL + "new/", {"value": "2001:db8::1", "duration": ""})
    owner_client.post(URL + "new/", {"value": "visitor-77", "duration": ""})
    assert sorted(Ban.objects.values_list("kind", "value", "expires_at")) == [
        ("ip", "2001:db8::1", None),
        ("visitor", "visitor-77", None),
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"value": "", "duration": "24"},
        {"value": "10.0.0.0/99", "duration": "24"},
        {"value": "10.0.0.1", "duration": "forever-ish"},
        {"value": "10.0.0.1", "kind": "ip", "duration": "abc"},
    ],
)
def test_bad_input_is_a_422_with_a_message(owner_client, data):
    response = owner_client.post(URL + "new/", data)
    assert response.status_code == 422
    assert response.context["error"]
    assert Ban.objects.count() == 0


def test_lifting_a_ban(owner_client, account):
    ban = ban_visitor(account=account, kind="visitor", value="v-1")
    assert owner_client.post(f"{URL}{ban.public_id}/lift/").status_code == 302
    assert not is_banned(account, visitor_id="v-1")
    assert list(owner_client.get(URL).context["bans"]) == []
    assert AuditEntry.objects.filter(action="visitor.ban_lifted", subject_id=ban.public_id).count() == 1


def test_another_accounts_ban_is_404_and_stays(owner_client, other_account):
    foreign = ban_visitor(account=other_account, kind="visitor", value="secret-visitor")
    assert owner_client.post(f"{URL}{foreign.public_id}/lift/").status_code == 404
    assert is_banned(other_account, visitor_id="secret-visitor")
    assert "secret-visitor" not in owner_client.get(URL).content.decode()


def test_agents_get_403_and_change_nothing(agent_client, account):
    ban = ban_visitor(account=account, kind="visitor", value="v-1")
    assert agent_client.get(URL).status_code == 403
    assert agent_client.post(URL + "new/", {"value": "10.0.0.1", "duration": "24"}).status_code == 403
    assert agent_client.post(f"{URL}{ban.public_id}/lift/").status_code == 403
    assert list(Ban.objects.values_list("value", "lifted_at")) == [("v-1", None)]


def test_the_list_costs_the_same_queries_for_3_and_30_bans_and_paginates(owner_client, account, owner):
    from helpline.core.actors import Actor

    def measure(url=URL):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = owner_client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["bans"])

    for i in range(3):
        ban_visitor(account=account, kind="visitor", value=f"v-{i}", actor=Actor(user=owner))
    small, shown = measure()
    assert shown == 3
    for i in range(3, 60):
        ban_visitor(account=account, kind="visitor", value=f"v-{i}", actor=Actor(user=owner))
    large, shown = measure()
    assert (large, shown) == (small, 50)
    assert measure(URL + "?page=2")[1] == 10
