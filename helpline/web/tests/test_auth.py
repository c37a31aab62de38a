"""Signing in and out, switching accounts, accepting invitations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from helpline.core import clock
from helpline.tenancy.actions import deactivate_member, invite_agent
from helpline.tenancy.models import Invitation, Membership, User
from helpline.web.tests.conftest import signed_in

PASSWORD = "correct-horse-battery"


def test_login_with_email_and_password_signs_in_and_lands_in_the_inbox(owner):
    client = Client()
    response = client.post("/login/", {"username": "owner@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/agent/"
    assert int(client.session["_auth_user_id"]) == owner.pk
    assert client.get("/agent/").status_code == 200


def test_login_matches_the_email_whatever_its_case(owner):
    client = Client()
    response = client.post("/login/", {"username": "  Owner@ACME.test ", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_login_with_a_wrong_password_is_refused_with_a_message(owner):
    client = Client()
    response = client.post("/login/", {"username": "owner@acme.test", "password": "wrong-password-123"})
    assert response.status_code == 200
    assert "That email and password do not match an active login." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_workspace_sends_strangers_to_the_login_page(db):
    response = Client().get("/agent/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/agent/"


def test_logout_ends_the_session(owner_client):
    response = owner_client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert owner_client.get("/agent/").status_code == 302


def test_a_login_without_any_active_membership_sees_a_clear_page(db):
    User.objects.create_user("lonely@example.com", PASSWORD, name="Lonely")
    client = Client()
    client.login(username="lonely@example.com", password=PASSWORD)
    response = client.get("/agent/")
    assert response.status_code == 403
    assert "You are not in any team yet" in response.content.decode()


def test_switching_to_an_account_of_mine_changes_the_current_account(
    account, other_account, owner, make_agent, make_ticket
):
    make_agent(other_account, owner.email)
    theirs = make_ticket(other_account, subject="Globex ticket")
    client = signed_in(owner, account)
    response = client.post("/agent/switch/", {"account": other_account.public_id})
    assert response.status_code == 302
    assert response["Location"] == "/agent/"
    assert client.session["account"] == other_account.public_id
    inbox = client.get("/agent/")
    assert [t.public_id for t in inbox.context["tickets"]] == [theirs.public_id]


def test_switching_into_an_account_i_do_not_belong_to_is_refused(agent_client, account, other_account):
    response = agent_client.post("/agent/switch/", {"account": other_account.public_id})
    assert response.status_code == 404
    assert agent_client.session["account"] == account.public_id


def test_switching_into_an_account_where_i_was_deactivated_is_refused(account, other_account, owner, make_agent):
    make_agent(other_account, owner.email)
    deactivate_member(membership=Membership.objects.get(account=other_account, user=owner))
    client = signed_in(owner, account)
    response = client.post("/agent/switch/", {"account": other_account.public_id})
    assert response.status_code == 404
    assert client.session["account"] == account.public_id


def test_an_account_in_the_session_that_is_not_mine_falls_back_to_my_own(agent, other_account, make_ticket):
    theirs = make_ticket(other_account, subject="Globex secret")
    client = signed_in(agent, other_account)  # a forged or stale session value
    url = f"/agent/tickets/{theirs.public_id}/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == url
    assert "account" not in client.session
    again = client.get(url)
    assert again.status_code == 404
    assert "Globex secret" not in again.content.decode()


@pytest.fixture
def invitation(account, owner, django_capture_on_commit_callbacks):
    from helpline.core.actors import Actor

    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite_agent(account=account, email="new@acme.test", actor=Actor(user=owner))
    invitation.token = token
    return invitation


def test_accepting_an_invitation_creates_the_login_and_signs_in(invitation, account):
    client = Client()
    page = client.get(f"/invite/{invitation.token}/")
    assert page.status_code == 200
    assert "Join Acme on Helpline" in page.content.decode()
    response = client.post(f"/invite/{invitation.token}/", {"name": "Nora New", "password": "a-long-password"})
    assert response.status_code == 302
    assert response["Location"] == "/agent/"
    user = User.objects.get(email="new@acme.test")
    assert user.name == "Nora New"
    assert user.check_password("a-long-password")
    membership = Membership.objects.get(account=account, user=user)
    assert (membership.role, membership.is_active) == ("agent", True)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["account"] == account.public_id
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_invitation_for_an_existing_login_adds_the_membership_and_asks_to_sign_in(
    account, other_account, owner, django_capture_on_commit_callbacks
):
    _invitation, token = invite_agent(account=other_account, email=owner.email)
    client = Client()
    page = client.get(f"/invite/{token}/")
    assert "You already have a Helpline login." in page.content.decode()
    response = client.post(f"/invite/{token}/", {})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert Membership.objects.get(account=other_account, user=owner).role == "agent"
    assert "_auth_user_id" not in client.session
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_short_password_is_refused_and_nothing_is_created(invitation):
    client = Client()
    response = client.post(f"/invite/{invitation.token}/", {"name": "Nora", "password": "short"})
    assert response.status_code == 422
    assert "Choose a password of at least 10 characters." in response.content.decode()
    assert not User.objects.filter(email="new@acme.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_expired_invitation_shows_a_clear_message_and_creates_nothing(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=clock.now() - timedelta(minutes=1))
    client = Client()
    for response in (
        client.get(f"/invite/{invitation.token}/"),
        client.post(f"/invite/{invitation.token}/", {"name": "Nora", "password": "a-long-password"}),
    ):
        assert response.status_code == 404
        assert "This invitation has expired. Ask for a new one." in response.content.decode()
    assert not User.objects.filter(email="new@acme.test").exists()


def test_an_unknown_or_used_invitation_link_shows_a_clear_message(invitation):
    assert "This invitation link is not valid." in Client().get("/invite/not-a-token/").content.decode()
    Client().post(f"/invite/{invitation.token}/", {"name": "Nora", "password": "a-long-password"})
    again = Client().get(f"/invite/{invitation.token}/")
    assert again.status_code == 404
    assert "This invitation link is not valid." in again.content.decode()
    assert Membership.objects.filter(user__email="new@acme.test").count() == 1
