"""Agents: invite (expiring link, plan limit), change role, deactivate; roles."""

from __future__ import annotations

import pytest
from django.core import mail

from helpline.security.models import AuditEntry
from helpline.tenancy.models import Invitation, Membership, Role
from helpline.web.tests.conftest import signed_in


def test_inviting_by_email_sends_the_link_and_shows_it_once(owner_client, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/agent/settings/agents/invite/", {"email": "New@Acme.test", "role": "admin"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    invitation = Invitation.objects.get(account=account)
    assert (invitation.email, invitation.role, invitation.accepted_at) == ("new@acme.test", "admin", None)
    link = response.context["invite_link"]
    assert link.startswith("http://testserver/invite/")
    path = link.removeprefix("http://testserver")
    assert f'value="{link}"' in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@acme.test"]
    assert path in mail.outbox[0].body
    listed = owner_client.get("/agent/settings/agents/")
    assert "new@acme.test" in listed.content.decode()
    assert link not in listed.content.decode()
    # The link in the page is the one that works.
    assert owner_client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "agent"}, "Enter a valid email address."),
        ({"email": "x@acme.test", "role": "owner"}, "Invite as an admin or an agent."),
        ({"email": "agent@acme.test", "role": "agent"}, "agent@acme.test is already an agent of this account."),
    ],
)
def test_bad_invitations_are_refused(owner_client, agent, data, message):
    response = owner_client.post("/agent/settings/agents/invite/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Invitation.objects.count() == 0
    assert len(mail.outbox) == 0


def test_the_plans_agent_limit_is_explained(make_account):
    free = make_account("tiny", plan="free")
    client = signed_in(free.owner, free)
    response = client.post("/agent/settings/agents/invite/", {"email": "second@tiny.test", "role": "agent"})
    assert response.status_code == 422
    assert "Your Free plan allows 1 agents; you have 1. Upgrade to add more." in response.content.decode()
    assert Invitation.objects.count() == 0


def _membership(account, user):
    return Membership.objects.get(account=account, user=user)


def test_owner_changes_an_agents_role(owner_client, account, agent, owner):
    membership = _membership(account, agent)
    response = owner_client.post(f"/agent/settings/agents/{membership.public_id}/role/", {"role": "admin"})
    assert response.status_code == 302
    assert _membership(account, agent).role == "admin"
    row = AuditEntry.objects.get(action="agent.role_changed")
    assert (row.actor_user_id, row.subject_id, row.data) == (owner.pk, membership.public_id, {"role": "admin"})


def test_a_custom_role_can_be_given(owner_client, account, agent):
    role = Role.objects.create(account=account, name="Reporter", permissions=["reports.view"])
    membership = _membership(account, agent)
    owner_client.post(f"/agent/settings/agents/{membership.public_id}/role/", {"role": f"custom:{role.public_id}"})
    membership.refresh_from_db()
    assert (membership.role, membership.custom_role_id) == ("custom", role.pk)


def test_only_an_owner_gives_the_owner_role(account, agent, make_agent):
    admin = make_agent(account, "admin@acme.test", role="admin")
    client = signed_in(admin, account)
    membership = _membership(account, agent)
    response = client.post(f"/agent/settings/agents/{membership.public_id}/role/", {"role": "owner"})
    assert response.status_code == 422
    assert "Only an owner can give or take the owner role." in response.content.decode()
    assert _membership(account, agent).role == "agent"


@pytest.mark.parametrize(
    ("role", "message"),
    [("boss", "Unknown role."), ("custom:nosuchrole", "Choose a custom role of this account.")],
)
def test_unknown_roles_are_refused(owner_client, account, agent, role, message):
    membership = _membership(account, agent)
    response = owner_client.post(f"/agent/settings/agents/{membership.public_id}/role/", {"role": role})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _membership(account, agent).role == "agent"


def test_the_last_owner_keeps_the_owner_role(owner_client, account, owner):
    membership = _membership(account, owner)
    response = owner_client.post(f"/agent/settings/agents/{membership.public_id}/role/", {"role": "agent"})
    assert response.status_code == 422
    assert "An account keeps at least one owner." in response.content.decode()
    assert _membership(account, owner).role == "owner"


def test_deactivating_an_agent_ends_their_access(owner_client, account, agent, owner):
    membership = _membership(account, agent)
    agent_client = signed_in(agent, account)
    response = owner_client.post(f"/agent/settings/agents/{membership.public_id}/deactivate/")
    assert response.status_code == 302
    assert _membership(account, agent).is_active is False
    assert AuditEntry.objects.filter(action="agent.deactivated", subject_id=membership.public_id).count() == 1
    assert agent_client.get("/agent/").status_code == 302  # the chosen account is dropped from the session
    locked_out = agent_client.get("/agent/")
    assert locked_out.status_code == 403
    assert "You are not in any team yet" in locked_out.content.decode()


def test_nobody_deactivates_themselves_or_the_owner(account, owner, make_agent):
    admin = make_agent(account, "admin@acme.test", role="admin")
    client = signed_in(admin, account)
    mine = _membership(account, admin)
    response = client.post(f"/agent/settings/agents/{mine.public_id}/deactivate/")
    assert response.status_code == 422
    assert "You cannot deactivate yourself." in response.content.decode()
    theirs = _membership(account, owner)
    response = client.post(f"/agent/settings/agents/{theirs.public_id}/deactivate/")
    assert response.status_code == 422
    assert "The owner cannot be deactivated." in response.content.decode()
    assert Membership.objects.filter(account=account, is_active=False).count() == 0


def test_an_agent_of_another_account_cannot_be_touched(owner_client, other_account):
    theirs = Membership.objects.get(account=other_account)
    assert owner_client.post(f"/agent/settings/agents/{theirs.public_id}/deactivate/").status_code == 404
    assert owner_client.post(f"/agent/settings/agents/{theirs.public_id}/role/", {"role": "agent"}).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.role, theirs.is_active) == ("owner", True)


def test_create_a_custom_role_with_permissions(owner_client, account, owner):
    response = owner_client.post(
        "/agent/settings/roles/new/", {"name": "Team lead", "permissions": ["tickets.work", "reports.view"]}
    )
    assert response.status_code == 302
    role = Role.objects.get(account=account)
    assert (role.name, role.permissions) == ("Team lead", ["reports.view", "tickets.work"])
    assert AuditEntry.objects.get(action="role.created").actor_user_id == owner.pk
    page = owner_client.get("/agent/settings/roles/").content.decode()
    assert '<span class="tag">View reports</span>' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Bad", "permissions": ["root.everything"]}, "Unknown permissions: root.everything"),
        ({"name": "", "permissions": ["tickets.work"]}, "A role needs a name."),
    ],
)
def test_bad_roles_are_refused(owner_client, data, message):
    response = owner_client.post("/agent/settings/roles/new/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Role.objects.count() == 0


def test_a_plan_without_custom_roles_says_so(make_account):
    free = make_account("tiny", plan="free")
    response = signed_in(free.owner, free).post("/agent/settings/roles/new/", {"name": "Lead"})
    assert response.status_code == 422
    assert "Your Free plan allows 0 custom roles; you have 0. Upgrade to add more." in response.content.decode()
    assert Role.objects.count() == 0
