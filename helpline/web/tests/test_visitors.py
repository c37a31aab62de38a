"""The live visitors list, its row and invite endpoints, and the visitor privacy / invitation rule settings:
exact content, tenant isolation, permissions and query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.chat.monitoring.models import Invitation, InvitationRule, TrackingSettings
from helpline.channels.chat.monitoring.tests.conftest import view
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def button(account):
    from helpline.channels.chat.actions import create_chat_button

    return create_chat_button(account=account, name="Website")


@pytest.fixture
def other_button(other_account):
    from helpline.channels.chat.actions import create_chat_button

    return create_chat_button(account=other_account, name="Website")


@pytest.fixture
def other_client(other_account, make_agent):
    return signed_in(make_agent(other_account, "bob@globex.test", "Bob"), other_account)


@pytest.fixture
def billing_client(account, make_agent):
    """A member whose role may not work on tickets."""
    from helpline.tenancy.actions import create_role
    from helpline.tenancy.actions.members import change_role
    from helpline.tenancy.models import Membership

    user = make_agent(account, "billing@acme.test")
    role = create_role(account=account, name="Billing", permission_keys=["billing.manage"])
    change_role(membership=Membership.objects.get(user=user, account=account), role="custom", custom_role=role)
    return signed_in(user, account)


def test_the_list_shows_each_live_visitor_with_their_pages(agent_client, button):
    first = view(button, "https://shop.example/", title="Home")
    view(button, "https://shop.example/pricing", title="Pricing", connected_visit_id=first.visit_id)
    visit = first.visit
    visit.refresh_from_db()
    page = agent_client.get("/agent/visitors/").content.decode()
    assert f'id="visit-{visit.public_id}"' in page
    assert 'href="https://shop.example/pricing"' in page
    assert "2 pages" in page
    assert "1 visit" in page
    assert "Firefox 128" in page
    assert "Linux · desktop" in page
    assert f'data-invite="{visit.public_id}"' in page
    assert 'href="/agent/visitors/"' in page  # the workspace nav links here
    assert "Chatting" not in page


def test_a_visitor_who_left_is_not_listed(agent_client, button):
    from helpline.channels.chat.monitoring.actions import disconnect_visit

    recorded = view(button)
    disconnect_visit(visit_id=recorded.visit_id)
    page = agent_client.get("/agent/visitors/").content.decode()
    assert recorded.visit.public_id not in page
    assert "Nobody is on your sites right now." in page


def test_a_chatting_visitor_is_marked(agent_client, agent, account, button):
    from helpline.channels.chat.monitoring.tests.conftest import VISITOR
    from helpline.channels.chat.tests.conftest import make_available, start

    make_available(account, agent)
    recorded = view(button)
    start(button, VISITOR, name="Vera")
    row = agent_client.get(f"/agent/visitors/{recorded.visit.public_id}/row/").content.decode()
    assert "data-chatting" in row
    assert "data-invite" not in row


def test_another_account_s_agent_never_sees_a_visitor(other_client, button):
    recorded = view(button)
    public_id = recorded.visit.public_id
    assert public_id not in other_client.get("/agent/visitors/").content.decode()
    assert other_client.get(f"/agent/visitors/{public_id}/row/").status_code == 404
    assert other_client.post(f"/agent/visitors/{public_id}/invite/", {"message": "Hi"}).status_code == 404
    assert Invitation.objects.count() == 0


def test_an_agent_invites_a_visitor(agent_client, agent, button):
    recorded = view(button)
    response = agent_client.post(f"/agent/visitors/{recorded.visit.public_id}/invite/", {"message": " Hi there! "})
    invitation = Invitation.objects.get()
    assert response.status_code == 201
    assert response.json() == {"invitation": invitation.public_id, "detail": "Invitation sent."}
    assert (invitation.visit_id, invitation.agent_id, invitation.message, invitation.rule_id) == (
        recorded.visit_id,
        agent.pk,
        "Hi there!",
        None,
    )
    assert AuditEntry.objects.filter(action="chat_visitor.invited", subject_id=invitation.public_id).count() == 1


def test_bad_invitations_are_a_clear_4xx(agent_client, button):
    from helpline.channels.chat.monitoring.actions import disconnect_visit

    recorded = view(button)
    url = f"/agent/visitors/{recorded.visit.public_id}/invite/"
    empty = agent_client.post(url, {"message": "  "})
    assert (empty.status_code, empty.json()["detail"]) == (422, "Fill in the message.")
    disconnect_visit(visit_id=recorded.visit_id)
    gone = agent_client.post(url, {"message": "Hi"})
    assert (gone.status_code, gone.json()["detail"]) == (409, "The visitor has left the site.")
    assert agent_client.get(url).status_code == 405
    assert Invitation.objects.count() == 0


def test_the_visitors_pages_need_the_work_on_tickets_permission(billing_client, client, button):
    recorded = view(button)
    public_id = recorded.visit.public_id
    assert billing_client.get("/agent/visitors/").status_code == 403
    assert billing_client.get(f"/agent/visitors/{public_id}/row/").status_code == 403
    assert billing_client.post(f"/agent/visitors/{public_id}/invite/", {"message": "Hi"}).status_code == 403
    assert client.get("/agent/visitors/").status_code == 302  # signed out: to the login page
    assert Invitation.objects.count() == 0


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/agent/visitors/")
    assert response.status_code == 200
    return len(queries)


def test_the_visitors_list_costs_the_same_queries_for_2_and_20_visitors(agent_client, button):
    for i in range(2):
        view(button, visitor=f"visitor-{i:04d}-0123456789ab")
    few = _list_queries(agent_client)
    for i in range(2, 20):
        first = view(button, visitor=f"visitor-{i:04d}-0123456789ab")
        view(
            button, "https://shop.example/b", visitor=f"visitor-{i:04d}-0123456789ab", connected_visit_id=first.visit_id
        )
    assert _list_queries(agent_client) == few
    # Session, user, membership, the account switcher; the visits, their pages, who is chatting.
    assert few == 7


# ---- settings ----


def test_the_owner_saves_the_privacy_settings(owner_client, account):
    page = owner_client.get("/agent/settings/chat-privacy/").content.decode()
    assert 'name="retention_days"' in page and 'value="30"' in page
    response = owner_client.post(
        "/agent/settings/chat-privacy/save/", {"anonymise_ips": "on", "honour_dnt": "on", "retention_days": "14"}
    )
    assert (response.status_code, response["Location"]) == (302, "/agent/settings/chat-privacy/")
    stored = TrackingSettings.objects.get(account=account)
    assert (stored.page_tracking, stored.anonymise_ips, stored.honour_dnt, stored.retention_days) == (
        False,
        True,
        True,
        14,
    )


@pytest.mark.parametrize("days", ["0", "abc", "9999", ""])
def test_a_bad_retention_is_a_422_and_changes_nothing(owner_client, account, days):
    response = owner_client.post("/agent/settings/chat-privacy/save/", {"page_tracking": "on", "retention_days": days})
    assert response.status_code == 422
    assert "Keep visitor data for 1 to 730 days." in response.content.decode()
    assert TrackingSettings.objects.count() == 0


def test_the_loader_tells_the_widget_the_privacy_settings(client, owner_client, button):
    assert '"tracking": true, "honourDnt": true' in client.get(f"/widget/{button.key}.js").content.decode()
    owner_client.post("/agent/settings/chat-privacy/save/", {"retention_days": "30"})
    from django.core.cache import cache

    cache.clear()
    assert '"tracking": false, "honourDnt": false' in client.get(f"/widget/{button.key}.js").content.decode()


RULE = {
    "name": "Pricing",
    "button": "",
    "message": "Questions about plans?",
    "url_pattern": "/pricing*",
    "min_seconds_on_page": "2",
    "min_page_views": "1",
    "min_visits": "0",
    "referrer_contains": "",
    "is_active": "on",
}


def test_the_owner_creates_edits_and_deletes_an_invitation_rule(owner_client, account, button):
    response = owner_client.post("/agent/settings/chat-invitations/", {**RULE, "button": button.public_id})
    assert (response.status_code, response["Location"]) == (302, "/agent/settings/chat-invitations/")
    rule = InvitationRule.objects.get()
    assert (rule.name, rule.button_id, rule.url_pattern, rule.min_seconds_on_page, rule.min_page_views) == (
        "Pricing",
        button.pk,
        "/pricing*",
        2,
        1,
    )
    assert (rule.min_visits, rule.referrer_contains, rule.message, rule.is_active) == (
        0,
        "",
        "Questions about plans?",
        True,
    )
    listing = owner_client.get("/agent/settings/chat-invitations/").content.decode()
    assert f'data-rule="{rule.public_id}"' in listing
    edit_url = f"/agent/settings/chat-invitations/{rule.public_id}/"
    assert 'value="/pricing*"' in owner_client.get(edit_url).content.decode()
    switched_off = {key: value for key, value in RULE.items() if key != "is_active"}
    owner_client.post(edit_url, {**switched_off, "min_visits": "3"})
    rule.refresh_from_db()
    assert (rule.min_visits, rule.is_active, rule.button_id) == (3, False, None)
    owner_client.post(f"{edit_url}delete/")
    assert InvitationRule.objects.count() == 0
    assert list(
        AuditEntry.objects.filter(action__startswith="chat_invitation_rule.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["chat_invitation_rule.created", "chat_invitation_rule.updated", "chat_invitation_rule.deleted"]


def test_a_bad_rule_is_a_422_with_the_form_kept(owner_client):
    response = owner_client.post("/agent/settings/chat-invitations/", {**RULE, "min_page_views": "-3"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Conditions take whole numbers of 0 or more." in page
    assert 'value="Questions about plans?"' in page
    assert InvitationRule.objects.count() == 0


def test_another_account_s_rules_and_buttons_are_out_of_reach(owner_client, other_account, other_button):
    from helpline.channels.chat.monitoring.actions import create_invitation_rule

    theirs = create_invitation_rule(account=other_account, name="Theirs", message="Hi")
    url = f"/agent/settings/chat-invitations/{theirs.public_id}/"
    assert owner_client.get(url).status_code == 404
    assert owner_client.post(url, RULE).status_code == 404
    assert owner_client.post(f"{url}delete/").status_code == 404
    assert "Theirs" not in owner_client.get("/agent/settings/chat-invitations/").content.decode()
    response = owner_client.post("/agent/settings/chat-invitations/", {**RULE, "button": other_button.public_id})
    assert response.status_code == 422
    assert InvitationRule.objects.get().name == "Theirs"


def test_an_agent_cannot_open_or_change_the_chat_settings(agent_client, account):
    for url in ("/agent/settings/chat-privacy/", "/agent/settings/chat-invitations/"):
        assert agent_client.get(url).status_code == 403
    assert agent_client.post("/agent/settings/chat-privacy/save/", {"retention_days": "1"}).status_code == 403
    assert agent_client.post("/agent/settings/chat-invitations/", RULE).status_code == 403
    assert (TrackingSettings.objects.count(), InvitationRule.objects.count()) == (0, 0)
