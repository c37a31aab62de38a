"""Settings are permission-checked: an agent gets 403 everywhere and changes nothing."""

from __future__ import annotations

import pytest

from helpline.security.models import ApiKey, AuditEntry
from helpline.tenancy.models import Brand, Department, Invitation, Role

SECTION_PAGES = [
    "/agent/settings/",
    "/agent/settings/account/",
    "/agent/settings/agents/",
    "/agent/settings/departments/",
    "/agent/settings/roles/",
    "/agent/settings/brands/",
    "/agent/settings/api-keys/",
    "/agent/settings/plan/",
    "/agent/settings/routing/",
    "/agent/settings/bans/",
    "/agent/settings/chat-privacy/",
    "/agent/settings/chat-invitations/",
    "/agent/settings/mailboxes/",
    "/agent/settings/mailboxes/new/",
    "/agent/settings/email-templates/",
    "/agent/settings/chat-buttons/",
    "/agent/settings/chat-buttons/new/",
    "/agent/settings/replacements/",
]
WRITES = [
    ("/agent/settings/account/", {"name": "Hacked", "timezone": "UTC", "locale": "en"}),
    ("/agent/settings/agents/invite/", {"email": "friend@example.com", "role": "admin"}),
    ("/agent/settings/departments/new/", {"name": "Shadow"}),
    ("/agent/settings/roles/new/", {"name": "God", "permissions": ["settings.manage"]}),
    ("/agent/settings/brands/new/", {"name": "Fake", "primary_colour": "#000000", "accent_colour": "#000000"}),
    ("/agent/settings/api-keys/new/", {"name": "exfiltrate"}),
]


def _state(account):
    account.refresh_from_db()
    return (
        account.name,
        Invitation.objects.count(),
        Department.objects.count(),
        Role.objects.count(),
        Brand.objects.count(),
        ApiKey.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("url", SECTION_PAGES)
def test_an_agent_gets_403_on_every_settings_page(agent_client, url):
    response = agent_client.get(url)
    assert response.status_code == 403
    assert "You do not have permission to open this page" in response.content.decode()


@pytest.mark.parametrize(("url", "data"), WRITES)
def test_an_agent_cannot_change_settings(agent_client, account, url, data):
    before = _state(account)
    assert agent_client.post(url, data).status_code == 403
    assert _state(account) == before


def test_agents_see_no_settings_link_and_owners_do(agent_client, owner_client):
    assert 'href="/agent/settings/"' not in agent_client.get("/agent/").content.decode()
    assert 'href="/agent/settings/"' in owner_client.get("/agent/").content.decode()


def test_settings_home_opens_the_first_section_allowed(owner_client):
    response = owner_client.get("/agent/settings/")
    assert response.status_code == 302
    assert response["Location"] == "/agent/settings/account/"


def test_an_admin_sees_the_plan_but_a_custom_role_only_its_sections(account, make_agent):
    from helpline.tenancy.actions import create_role
    from helpline.tenancy.actions.members import change_role
    from helpline.tenancy.models import Membership
    from helpline.web.tests.conftest import signed_in

    admin = make_agent(account, "admin@acme.test", role="admin")
    admin_client = signed_in(admin, account)
    assert admin_client.get("/agent/settings/plan/").status_code == 200
    keys_only = make_agent(account, "keys@acme.test")
    role = create_role(account=account, name="Integrator", permission_keys=["api_keys.manage"])
    change_role(membership=Membership.objects.get(user=keys_only), role="custom", custom_role=role)
    client = signed_in(keys_only, account)
    assert client.get("/agent/settings/").headers["Location"] == "/agent/settings/api-keys/"
    assert client.get("/agent/settings/api-keys/").status_code == 200
    assert client.get("/agent/settings/agents/").status_code == 403
