"""Internal tickets: agent to agent or department, no customer, no email ever goes out, filterable by channel."""

from __future__ import annotations

import pytest

from helpline.channels.email.tests.mail import SmtpRecorder, free_port
from helpline.conversations.actions import change_status, send_reply
from helpline.conversations.models import Message, Ticket
from helpline.people.models import Contact
from helpline.tenancy.selectors import list_departments
from helpline.web.tests.conftest import signed_in


@pytest.fixture
def smtp_sink(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    recorder = SmtpRecorder()
    controller = recorder.start(free_port())
    settings.EMAIL_BACKEND = "helpline.channels.email_backend.UrlEmailBackend"
    settings.EMAIL_URL = f"smtp://127.0.0.1:{controller.port}"
    yield recorder
    controller.stop()


def test_an_agent_opens_an_internal_ticket_for_a_colleague(
    owner_client, account, owner, agent, smtp_sink, django_capture_on_commit_callbacks
):
    department = list_departments(account)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            "/agent/internal-tickets/new/",
            {"subject": "Refund approval", "body": "Can you approve #123?", "assignee": agent.public_id,
             "department": department.public_id, "priority": "3"},
        )  # fmt: skip

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/agent/tickets/{ticket.public_id}/"
    assert (ticket.channel, ticket.assignee, ticket.department, ticket.priority, ticket.status) == (
        "internal", agent, department, 3, "new",
    )  # fmt: skip
    assert (ticket.contact.agent, ticket.contact.name, ticket.contact.primary_email) == (owner, owner.display_name, "")
    assert list(ticket.contact.identities.all()) == []
    assert list(Message.objects.values_list("kind", "direction", "author_user_id", "body_text")) == [
        ("note", "internal", owner.pk, "Can you approve #123?")
    ]
    page = signed_in(agent, account).get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert "data-internal-ticket" in page

    # Answers and status notices go nowhere: there is no customer.
    with django_capture_on_commit_callbacks(execute=True):
        reply = send_reply(ticket=ticket, author=agent, text="Approved.")
        change_status(ticket=ticket, status="resolved")
    reply.refresh_from_db()
    assert reply.delivery_status == "sent"
    assert smtp_sink.envelopes == []

    # Nor can anything in it be forwarded or addressed to someone outside: refused, nothing stored or sent.
    from helpline.core.errors import DomainError

    for addressing in ({"to": ["partner@example.com"], "forward": reply}, {"cc": ["partner@example.com"]}):
        refused = pytest.raises(DomainError, match="An internal ticket stays between agents")
        with refused, django_capture_on_commit_callbacks(execute=True):
            send_reply(ticket=ticket, author=agent, text="FYI", **addressing)
    assert Message.objects.filter(ticket=ticket).count() == 2
    assert smtp_sink.envelopes == []


def test_internal_tickets_filter_by_channel_and_stay_out_of_contact_lists(owner_client, account, agent, make_ticket):
    make_ticket(account, subject="Customer question")
    owner_client.post(
        "/agent/internal-tickets/new/", {"subject": "Team lunch", "body": "Friday?", "assignee": agent.public_id}
    )

    internal = owner_client.get("/agent/?channel=internal")
    contacts = owner_client.get("/agent/contacts/")

    assert [t.subject for t in internal.context["tickets"]] == ["Team lunch"]
    assert ("internal", "Internal") in [(k, str(label)) for k, label in internal.context["channels"]]
    assert [c.name for c in contacts.context["contacts"]] == ["Carla Customer"]
    # The same agent's next internal ticket reuses their requester contact.
    owner_client.post("/agent/internal-tickets/new/", {"subject": "Again", "body": "x", "assignee": agent.public_id})
    assert Contact.objects.filter(account=account, agent__isnull=False).count() == 1


def test_bad_input_opens_nothing(owner_client, account, other_account, make_agent):
    stranger = make_agent(other_account, "stranger@globex.test")
    foreign_department = list_departments(other_account)[0]

    cases = [
        {"subject": "S", "body": "B"},  # neither agent nor department
        {"subject": " ", "body": "B", "assignee": stranger.public_id},
        {"subject": "S", "body": "B", "assignee": stranger.public_id},
        {"subject": "S", "body": "B", "department": foreign_department.public_id},
        {"subject": "S", "body": " ", "department": list_departments(account)[0].public_id},
    ]
    for data in cases:
        response = owner_client.post("/agent/internal-tickets/new/", data)
        assert response.status_code == 422, data
        assert response.context["error"]
    assert Ticket.objects.count() == 0
    assert Contact.objects.filter(agent__isnull=False).count() == 0
