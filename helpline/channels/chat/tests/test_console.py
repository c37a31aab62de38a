"""The agent chat console's views: page, incoming list, accept / decline / end, side panel; access rules."""

import pytest

from helpline.channels.chat.actions import post_agent_message
from helpline.channels.chat.models import ChatSession
from helpline.channels.chat.tests.conftest import make_available, start
from helpline.web.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(button, account, agent, django_capture_on_commit_callbacks):
    make_available(account, agent)
    with django_capture_on_commit_callbacks(execute=True):
        return start(button, name="Vera Visitor", message="Where is my parcel?")


def test_console_lists_incoming_chats(waiting, agent, account):
    response = signed_in(agent, account).get("/agent/chats/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-chat="{waiting.public_id}" data-ringing="1"' in html
    assert "Vera Visitor" in html
    assert f"/agent/chats/{waiting.public_id}/accept/" in html


def test_console_page_query_count_does_not_grow_with_waiting_chats(
    button, account, agent, django_assert_max_num_queries
):
    make_available(account, agent)
    client = signed_in(agent, account)
    for n in range(2):
        start(button, visitor=f"visitor-aaaaaaaaaaaaaa{n}", name=f"V{n}")
    with django_assert_max_num_queries(20) as few:
        client.get("/agent/chats/incoming/")
    for n in range(2, 8):
        start(button, visitor=f"visitor-aaaaaaaaaaaaaa{n}", name=f"V{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/agent/chats/incoming/")
    assert response.content.decode().count("data-chat=") == 8


def test_accept_assigns_the_chat_and_a_second_accept_conflicts(waiting, agent, account, make_agent):
    response = signed_in(agent, account).post(f"/agent/chats/{waiting.public_id}/accept/")
    assert response.status_code == 200
    body = response.json()["chat"]
    assert (body["chat"], body["state"], body["agent"], body["contact"]) == (
        waiting.public_id,
        "active",
        "Alice Agent",
        "Vera Visitor",
    )
    waiting.refresh_from_db()
    waiting.ticket.refresh_from_db()
    assert (waiting.state, waiting.agent_id, waiting.ticket.assignee_id) == ("active", agent.pk, agent.pk)
    bob = make_agent(account, "bob@acme.test", "Bob")
    second = signed_in(bob, account).post(f"/agent/chats/{waiting.public_id}/accept/")
    assert second.status_code == 409
    waiting.refresh_from_db()
    assert waiting.agent_id == agent.pk


def test_an_agent_of_another_account_cannot_reach_the_chat(waiting, make_agent, other_account):
    outsider = make_agent(other_account, "eve@globex.test", "Eve")
    client = signed_in(outsider, other_account)
    for url in ("accept/", "decline/", "end/"):
        assert client.post(f"/agent/chats/{waiting.public_id}/{url}").status_code == 404
    assert client.get(f"/agent/chats/{waiting.public_id}/panel/").status_code == 404
    assert waiting.public_id not in client.get("/agent/chats/incoming/").content.decode()
    waiting.refresh_from_db()
    assert (waiting.state, waiting.agent_id) == ("waiting", None)


def test_the_console_needs_the_work_on_tickets_permission(waiting, make_agent, account, client):
    from helpline.tenancy.actions import change_role, create_role
    from helpline.tenancy.models import Membership

    restricted = make_agent(account, "ro@acme.test", "Read Only")
    role = create_role(account=account, name="Reports only", permission_keys=["reports.view"])
    change_role(membership=Membership.objects.get(user=restricted), role="custom", custom_role=role)
    assert signed_in(restricted, account).get("/agent/chats/").status_code == 403
    assert signed_in(restricted, account).post(f"/agent/chats/{waiting.public_id}/accept/").status_code == 403
    assert client.get("/agent/chats/").status_code == 302  # signed out: to the login page
    waiting.refresh_from_db()
    assert waiting.state == "waiting"


def test_panel_shows_the_contact_and_past_tickets(waiting, agent, account, make_ticket):
    from helpline.channels.chat.actions import submit_offline_form
    from helpline.channels.chat.actions.prechat import VisitorForm

    earlier = submit_offline_form(
        button=waiting.button,
        form=VisitorForm(visitor_id=waiting.visitor_id, name="Vera", email="vera@example.com", message="Earlier"),
    )
    html = signed_in(agent, account).get(f"/agent/chats/{waiting.public_id}/panel/").content.decode()
    assert "Vera Visitor" in html
    assert f"/agent/tickets/{earlier.public_id}/" in html
    assert f"/agent/tickets/{waiting.ticket.public_id}/" in html  # the link to this chat's own ticket


def test_end_chat_answers_the_ticket_and_only_the_agent_in_it_may_end_it(waiting, agent, account, make_agent):
    client = signed_in(agent, account)
    client.post(f"/agent/chats/{waiting.public_id}/accept/")
    post_agent_message(session=waiting, user=agent, cid="a1", text="Hello")
    bob = make_agent(account, "bob@acme.test", "Bob")
    assert signed_in(bob, account).post(f"/agent/chats/{waiting.public_id}/end/").status_code == 403
    response = client.post(f"/agent/chats/{waiting.public_id}/end/")
    assert response.status_code == 200
    assert response.json()["chat"]["state"] == "ended"
    waiting.refresh_from_db()
    waiting.ticket.refresh_from_db()
    assert (waiting.state, waiting.ticket.status) == ("ended", "answered")


def test_a_chat_nobody_answered_ends_as_a_new_ticket(waiting):
    from helpline.channels.chat.actions import end_chat

    end_chat(session=waiting, ended_by="visitor")
    waiting.ticket.refresh_from_db()
    assert waiting.ticket.status == "new"
    assert ChatSession.objects.get(pk=waiting.pk).state == "ended"
