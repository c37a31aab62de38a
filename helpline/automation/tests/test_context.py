"""Every condition field reads the right value from the ticket, message, contact, company and event."""

from __future__ import annotations

import pytest

from helpline.automation.context import RuleContext
from helpline.automation.fields import FIELDS
from helpline.conversations import actions as conv
from helpline.events import types as ev

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_ticket(account, agent, make_ticket):
    from helpline.conversations.actions.custom_fields import create_custom_field
    from helpline.people.actions.companies import create_company
    from helpline.people.actions.contacts import update_contact
    from helpline.people.models import ContactGroup
    from helpline.tenancy.actions import create_department

    sales = create_department(account=account, name="Sales")
    ticket = make_ticket(account, subject="Invoice 42 overdue", body="Where is my refund?", department=sales)
    conv.assign_ticket(ticket=ticket, assignee=agent)
    conv.tag_ticket(ticket=ticket, names=["VIP", "Billing"])
    plan = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    seats = create_custom_field(account=account, applies_to="contact", key="seats", label="Seats", kind="number")
    conv.set_custom_field(ticket=ticket, field=plan, value="Gold")
    from helpline.conversations.models import CustomFieldValue

    CustomFieldValue.objects.create(account=account, field=seats, contact=ticket.contact, value=12.0)
    company = create_company(account=account, name="Initech", domain="initech.test")
    update_contact(contact=ticket.contact, company=company)
    ContactGroup.objects.create(account=account, name="Partners").contacts.add(ticket.contact)
    ticket.refresh_from_db()
    return ticket, sales


def test_every_field_reads_its_value(rich_ticket, agent):
    ticket, sales = rich_ticket
    event = ev.TicketStatusChanged(account_id=ticket.account_id, ticket_id=ticket.pk, from_status="new",
                                   to_status="open")  # fmt: skip
    ctx = RuleContext.for_event(event)

    values = {key: ctx.get(key) for key in FIELDS}

    assert values == {
        "ticket.subject": "Invoice 42 overdue",
        "ticket.status": "new",
        "ticket.priority": "normal",
        "ticket.channel": "web",
        "ticket.department": sales.public_id,
        "ticket.assignee": agent.public_id,
        "ticket.brand": None,
        "ticket.mailbox": None,
        "ticket.tags": ["billing", "vip"],
        "ticket.message_count": 1,
        "ticket.in_business_hours": True,  # no calendar: always open
        "message.body": "Where is my refund?",
        "message.kind": "web",
        "message.automatic": False,
        "contact.name": "Carla Customer",
        "contact.email": "customer@example.com",
        "contact.groups": ["partners"],
        "company.name": "Initech",
        "company.domain": "initech.test",
        "event.from_status": "new",
        "event.to_status": "open",
        "event.from_priority": None,
        "event.to_priority": None,
        "event.tags": None,
        "event.chat_ended_by": None,
        "event.rating": None,
        "event.rating_source": None,
        "event.sla_target": None,
    }
    assert ctx.get("ticket.field.plan") == "gold"
    assert ctx.get("contact.field.seats") == 12.0
    assert ctx.get("ticket.field.missing") is None


def test_a_loaded_ticket_gives_the_same_values_as_the_events_statements(rich_ticket):
    from helpline.automation import rows
    from helpline.conversations.models import Ticket

    ticket, _sales = rich_ticket
    loaded = Ticket.objects.select_related("department", "assignee", "brand", "contact__company").get(pk=ticket.pk)
    event = ev.TicketCreated(account_id=ticket.account_id, ticket_id=ticket.pk, channel="web")

    assert rows.ticket_row(ticket_id=ticket.pk, account_id=ticket.account_id) == rows.ticket_row_of(loaded)
    from_row, from_model = RuleContext.for_event(event), RuleContext(loaded, event)
    assert {key: from_row.get(key) for key in FIELDS} == {key: from_model.get(key) for key in FIELDS}


def test_an_events_values_cost_one_statement_per_group(rich_ticket, django_assert_num_queries):
    ticket, _sales = rich_ticket
    event = ev.MessageReceived(account_id=ticket.account_id, ticket_id=ticket.pk, message_id=ticket.messages.get().pk)
    with django_assert_num_queries(3):  # ticket with its joins, tags, message
        ctx = RuleContext.for_event(event)
        values = (ctx.get("ticket.subject"), ctx.get("contact.email"), ctx.get("company.domain"))
        values += (ctx.get("ticket.tags"), ctx.get("message.body"))
    assert values == ("Invoice 42 overdue", "customer@example.com", "initech.test", ["billing", "vip"],
                      "Where is my refund?")  # fmt: skip


def test_a_ticket_without_its_relations_reads_them_in_one_statement(rich_ticket, django_assert_num_queries):
    from helpline.conversations.models import Ticket

    ticket, sales = rich_ticket
    bare = Ticket.objects.get(pk=ticket.pk)  # no select_related: one lazy query per relation otherwise
    ctx = RuleContext(bare)
    with django_assert_num_queries(1):
        values = (ctx.get("ticket.priority"), ctx.get("ticket.department"), ctx.get("contact.email"))
        values += (ctx.get("company.name"),)
    assert values == ("normal", sales.public_id, "customer@example.com", "Initech")


def test_another_accounts_ticket_gives_no_context(ticket, other_account):
    event = ev.TicketCreated(account_id=other_account.pk, ticket_id=ticket.pk, channel="web")
    assert RuleContext.for_event(event) is None


def test_event_fields_of_each_event(ticket):
    base = {"account_id": ticket.account_id, "ticket_id": ticket.pk}
    priority = RuleContext.for_event(ev.TicketPriorityChanged(**base, from_priority=2, to_priority=4))
    tagged = RuleContext.for_event(ev.TicketTagged(**base, tags=("VIP",)))
    ended = RuleContext.for_event(ev.ChatSessionEnded(**base, session_id=1, ended_by="agent"))

    assert (priority.get("event.from_priority"), priority.get("event.to_priority")) == ("normal", "urgent")
    assert tagged.get("event.tags") == ["vip"]
    assert ended.get("event.chat_ended_by") == "agent"
    breached = RuleContext.for_event(
        ev.SlaBreached(**base, target="resolution", level_id=1, due_at="2026-03-02T09:00Z")
    )
    assert breached.get("event.sla_target") == "resolution"


def test_message_fields_read_the_events_message(ticket, agent):
    reply = conv.send_reply(ticket=ticket, author=agent, text="We are on it")
    ctx = RuleContext.for_event(
        ev.ReplyQueued(account_id=ticket.account_id, ticket_id=ticket.pk, message_id=reply.pk, kind=reply.kind)
    )
    assert (ctx.get("message.body"), ctx.get("message.automatic")) == ("We are on it", False)


def test_mailbox_of_an_email_ticket(account, make_ticket):
    from helpline.channels.email.models import Mailbox

    mailbox = Mailbox.objects.create(account=account, address="help@acme.test", name="Help")
    ticket = make_ticket(account, channel="email")
    message = ticket.messages.get()
    message.meta = {"mailbox": mailbox.public_id}
    message.save()

    ctx = RuleContext.for_event(ev.TicketCreated(account_id=account.pk, ticket_id=ticket.pk, channel="email"))

    assert ctx.get("ticket.mailbox") == mailbox.public_id


def test_business_hours_follow_the_departments_calendar_else_the_accounts(account, make_ticket):
    from helpline.calendars.models import BusinessCalendar
    from helpline.tenancy.actions import create_department

    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    closed = BusinessCalendar.objects.create(account=account, name="Closed", weekly={})
    open_all_day = BusinessCalendar.objects.create(
        account=account, name="Always", weekly={day: [["00:00", "00:00"]] for day in days}
    )
    account.calendar = closed
    account.save(update_fields=["calendar"])
    night_shift = create_department(account=account, name="Night shift")
    night_shift.calendar = open_all_day
    night_shift.save(update_fields=["calendar"])

    plain = make_ticket(account, email="a@example.com")
    staffed = make_ticket(account, email="b@example.com", department=night_shift)

    assert RuleContext(plain).get("ticket.in_business_hours") is False
    assert RuleContext(staffed).get("ticket.in_business_hours") is True
