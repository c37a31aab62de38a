"""Settings → Chat routing, and the presence endpoint of the workspace header."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.routing.models import AccountRouting, AgentRouting, DepartmentRouting
from helpline.routing.selectors import get_presence
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department
from helpline.web.tests.conftest import HTMX, signed_in

pytestmark = pytest.mark.django_db
URL = "/agent/settings/routing/"
GOOD = {
    "strategy": "least_busy",
    "ring_seconds": "20",
    "chat_limit": "4",
    "auto_pause_after": "3",
    "idle_release_minutes": "15",
}


def test_the_owner_sees_the_defaults_and_saves_the_account_settings(owner_client, account):
    page = owner_client.get(URL)
    assert page.status_code == 200
    assert page.context["routing"].ring_seconds == 30
    response = owner_client.post(URL + "save/", GOOD)
    assert (response.status_code, response["Location"]) == (302, URL)
    saved = AccountRouting.objects.get(account=account)
    assert (
        saved.strategy,
        saved.ring_seconds,
        saved.chat_limit,
        saved.auto_pause_after,
        saved.idle_release_minutes,
    ) == ("least_busy", 20, 4, 3, 15)
    assert AuditEntry.objects.filter(account=account, action="routing.updated").count() == 1


@pytest.mark.parametrize(("field", "value"), [("ring_seconds", "2"), ("chat_limit", "abc"), ("strategy", "psychic")])
def test_bad_values_are_a_422_with_a_message_and_change_nothing(owner_client, account, field, value):
    response = owner_client.post(URL + "save/", {**GOOD, field: value})
    assert response.status_code == 422
    assert response.context["error"]
    assert not AccountRouting.objects.filter(account=account).exists()


def test_a_department_strategy_and_an_agent_priority(owner_client, account, agent):
    sales = create_department(account=account, name="Sales")
    assert owner_client.post(f"{URL}departments/{sales.public_id}/", {"strategy": "priorities"}).status_code == 302
    assert DepartmentRouting.objects.get(department=sales).strategy == "priorities"
    response = owner_client.post(f"{URL}agents/{agent.public_id}/", {"priority": "7", "chat_limit": "2"})
    assert response.status_code == 302
    profile = AgentRouting.objects.get(account=account, user=agent)
    assert (profile.priority, profile.chat_limit) == (7, 2)
    response = owner_client.post(f"{URL}agents/{agent.public_id}/", {"priority": "0"})
    assert response.status_code == 422
    assert AgentRouting.objects.get(account=account, user=agent).priority == 7


def test_agents_get_403_and_change_nothing(agent_client, account, agent):
    assert agent_client.get(URL).status_code == 403
    assert agent_client.post(URL + "save/", GOOD).status_code == 403
    assert agent_client.post(f"{URL}agents/{agent.public_id}/", {"priority": "1"}).status_code == 403
    assert not AccountRouting.objects.exists()
    assert not AgentRouting.objects.exists()


def test_another_accounts_department_and_agent_are_404(other_account, make_agent, account, owner_client):
    foreign = create_department(account=other_account, name="Foreign")
    outsider = make_agent(other_account, "olga@globex.test", "Olga")
    assert owner_client.post(f"{URL}departments/{foreign.public_id}/", {"strategy": "random"}).status_code == 404
    assert owner_client.post(f"{URL}agents/{outsider.public_id}/", {"priority": "1"}).status_code == 404
    assert not DepartmentRouting.objects.exists()
    assert not AgentRouting.objects.exists()


def test_the_routing_page_costs_the_same_queries_for_2_and_8_agents(owner_client, account, make_agent):
    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(URL).status_code == 200
        return len(queries)

    make_agent(account, "a1@acme.test")
    create_department(account=account, name="D1")
    small = measure()
    for i in range(2, 8):
        make_agent(account, f"a{i}@acme.test")
        create_department(account=account, name=f"D{i}")
    assert measure() == small


# Presence endpoint --------------------------------------------------------------------------------------------


def test_an_agent_sets_and_reads_their_own_presence(agent_client, account, agent):
    response = agent_client.post("/agent/presence/", {"channel": "chat", "state": "online"}, **HTMX)
    assert response.status_code == 200
    assert response.context["presence"] == {"chat": "online", "calls": "offline"}
    assert get_presence(account, agent) == "online"
    assert agent_client.get("/agent/presence/").context["presence"]["chat"] == "online"


def test_the_browser_reports_idle_and_activity(agent_client, account, agent):
    agent_client.post("/agent/presence/", {"state": "online"}, **HTMX)
    agent_client.post("/agent/presence/", {"activity": "idle"}, **HTMX)
    assert get_presence(account, agent) == "away"
    agent_client.post("/agent/presence/", {"activity": "active"}, **HTMX)
    assert get_presence(account, agent) == "online"


def test_a_bad_state_is_a_400_with_a_message(agent_client, account, agent):
    response = agent_client.post("/agent/presence/", {"channel": "chat", "state": "dancing"})
    assert response.status_code == 400
    assert "Unknown presence" in response.content.decode()
    assert get_presence(account, agent) == "offline"


def test_only_admins_change_a_colleagues_presence(agent_client, owner_client, account, agent, owner):
    response = agent_client.post("/agent/presence/", {"agent": owner.public_id, "state": "online"}, **HTMX)
    assert response.status_code == 403
    assert get_presence(account, owner) == "offline"
    response = owner_client.post("/agent/presence/", {"agent": agent.public_id, "state": "away"}, **HTMX)
    assert response.status_code == 200
    assert get_presence(account, agent) == "away"


def test_a_colleague_of_another_account_is_404(owner_client, other_account, make_agent):
    outsider = make_agent(other_account, "olga@globex.test", "Olga")
    response = owner_client.post("/agent/presence/", {"agent": outsider.public_id, "state": "online"}, **HTMX)
    assert response.status_code == 404
    assert get_presence(other_account, outsider) == "offline"


def test_presence_of_one_account_does_not_leak_into_another(account, other_account, agent, make_agent):
    make_agent(other_account, agent.email)  # the same person works for both
    signed_in(agent, account).post("/agent/presence/", {"state": "online"}, **HTMX)
    assert get_presence(other_account, agent) == "offline"
    assert signed_in(agent, other_account).get("/agent/presence/").context["presence"]["chat"] == "offline"


def test_signed_out_visitors_are_sent_to_the_login(client):
    assert client.post("/agent/presence/", {"state": "online"}).status_code == 302


def test_the_workspace_header_loads_the_presence_switch(agent_client):
    assert 'hx-get="/agent/presence/"' in agent_client.get("/agent/").content.decode()
