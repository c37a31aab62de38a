"""Who is notified of each event: the right agents, never the one who acted, only agents who may see the ticket,
never deactivated agents, never another account's agents."""

from __future__ import annotations

from django.utils import translation

from helpline.conversations import actions as conversations
from helpline.core.actors import Actor
from helpline.notifications import texts
from helpline.notifications.models import Notification, PendingEmail
from helpline.tenancy.actions import deactivate_member
from helpline.tenancy.models import Membership


def rows():
    return sorted(
        (n.recipient.email, n.kind, n.ticket.code, n.actor.email if n.actor_id else None)
        for n in Notification.objects.select_related("recipient", "ticket", "actor")
    )


def shown(notification) -> str:
    with translation.override("en"):
        return texts.text_of(Notification.objects.select_related("ticket__contact", "actor", "department").get(
            pk=notification.pk))  # fmt: skip


def test_a_new_ticket_notifies_its_departments_members(team, new_ticket):
    ticket = new_ticket(department=team["support"], subject="Printer on fire")

    assert rows() == [
        ("alice@acme.test", "new_ticket", ticket.code, None),
        ("bob@acme.test", "new_ticket", ticket.code, None),
        ("rita@acme.test", "new_ticket", ticket.code, None),
    ]
    assert shown(Notification.objects.filter(recipient=team["alice"]).get()) == (
        f"New ticket {ticket.code} in Support: Printer on fire"
    )


def test_a_ticket_without_department_notifies_nobody(team, new_ticket):
    new_ticket(department=None)

    assert rows() == []


def test_the_agent_who_opens_a_ticket_is_not_told_about_it(account, team, on_commit):
    from helpline.conversations.actions import create_ticket
    from helpline.people.actions import find_or_create_contact

    contact, _ = find_or_create_contact(account=account, kind="email", value="c@example.com", name="C")
    with on_commit():
        ticket = create_ticket(
            account=account, contact=contact, subject="Call back", department=team["support"],
            actor=Actor(user=team["alice"]),
        )  # fmt: skip

    assert rows() == [
        ("bob@acme.test", "new_ticket", ticket.code, "alice@acme.test"),
        ("rita@acme.test", "new_ticket", ticket.code, "alice@acme.test"),
    ]


def test_deactivated_agents_hear_nothing(account, team, new_ticket, owner):
    deactivate_member(membership=Membership.objects.get(account=account, user=team["bob"]), actor=Actor(user=owner))

    ticket = new_ticket(department=team["support"])

    assert rows() == [
        ("alice@acme.test", "new_ticket", ticket.code, None),
        ("rita@acme.test", "new_ticket", ticket.code, None),
    ]
    assert not PendingEmail.objects.filter(recipient=team["bob"]).exists()


def test_assignment_notifies_the_assignee_but_not_an_agent_who_takes_a_ticket(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["billing"], subject="Refund")
    Notification.objects.all().delete()

    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=team["alice"], actor=Actor(user=team["bob"]))
    assert rows() == [("alice@acme.test", "assigned", ticket.code, "bob@acme.test")]
    assert shown(Notification.objects.get()) == f"Bob Builder assigned {ticket.code} to you: Refund"

    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=team["carol"], actor=Actor(user=team["carol"]))
    assert rows() == [("alice@acme.test", "assigned", ticket.code, "bob@acme.test")]  # Carol took it herself


def test_assignment_by_the_system_reads_without_an_actor(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["billing"], subject="Refund")
    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=team["alice"])

    assert shown(Notification.objects.get(kind="assigned")) == f"{ticket.code} was assigned to you: Refund"


def test_a_customer_reply_notifies_the_assignee(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["billing"], subject="Refund")
    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=team["alice"], actor=Actor(user=team["carol"]))
    Notification.objects.all().delete()

    with on_commit():
        conversations.receive_message(ticket=ticket, contact=ticket.contact, kind="email", text="Any news?")

    assert rows() == [("alice@acme.test", "customer_replied", ticket.code, None)]
    assert shown(Notification.objects.get()) == f"Carla Customer replied on {ticket.code}: Refund"


def test_the_message_that_opens_a_ticket_or_one_on_an_unassigned_ticket_notifies_no_assignee(
    team, new_ticket, on_commit
):
    ticket = new_ticket(department=team["billing"])  # its first message: a new ticket, not a reply
    assert rows() == [("carol@acme.test", "new_ticket", ticket.code, None)]

    with on_commit():
        conversations.receive_message(ticket=ticket, contact=ticket.contact, kind="email", text="Hello again")
    assert rows() == [("carol@acme.test", "new_ticket", ticket.code, None)]


def test_a_mention_in_a_note_notifies_the_named_agent_who_may_see_the_ticket(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["billing"], subject="Refund")
    Notification.objects.all().delete()

    with on_commit():
        conversations.add_note(
            ticket=ticket, author=team["carol"],
            text="@Alice Agent can you check? @rita too, and @carol is me. mail bob@acme.test",
        )  # fmt: skip

    # Rita sees only Support's tickets (and hers): not told. Carol wrote it. bob@… is no mention.
    assert rows() == [("alice@acme.test", "mentioned", ticket.code, "carol@acme.test")]
    assert shown(Notification.objects.get()) == f"Carol Clerk mentioned you on {ticket.code}: Refund"


def test_a_mention_by_first_name_or_email_name(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["support"])
    Notification.objects.all().delete()

    with on_commit():
        conversations.add_note(ticket=ticket, author=team["alice"], text="Ping @bob and @rita.")

    assert [r[0] for r in rows()] == ["bob@acme.test", "rita@acme.test"]


def test_a_transfer_notifies_the_new_departments_members(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["billing"], subject="Wrong desk")
    Notification.objects.all().delete()

    with on_commit():
        conversations.transfer_ticket(ticket=ticket, department=team["support"], actor=Actor(user=team["bob"]))

    assert rows() == [
        ("alice@acme.test", "transferred", ticket.code, "bob@acme.test"),
        ("rita@acme.test", "transferred", ticket.code, "bob@acme.test"),
    ]
    assert shown(Notification.objects.filter(recipient=team["rita"]).get()) == (
        f"Bob Builder transferred {ticket.code} to Support: Wrong desk"
    )


def test_restricted_agents_hear_only_of_tickets_they_may_see(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["billing"], subject="Refund")
    Notification.objects.all().delete()

    with on_commit():
        conversations.add_note(ticket=ticket, author=team["carol"], text="@Rita Restricted look")
    assert rows() == []

    with on_commit():  # assigned to her, she may see it: told
        conversations.assign_ticket(ticket=ticket, assignee=team["rita"], actor=Actor(user=team["carol"]))
    with on_commit():
        conversations.add_note(ticket=ticket, author=team["carol"], text="@Rita Restricted look")
    assert rows() == [
        ("rita@acme.test", "assigned", ticket.code, "carol@acme.test"),
        ("rita@acme.test", "mentioned", ticket.code, "carol@acme.test"),
    ]


def test_another_accounts_agents_are_never_notified(team, other_account, make_agent, make_ticket, on_commit):
    from helpline.tenancy.actions import set_department_members
    from helpline.tenancy.models import Department

    # Alice works in both accounts; a Globex ticket is for her Globex self only when she is in that department.
    make_agent(other_account, "alice@acme.test")
    globex_support = Department.objects.get(account=other_account, name="Support")
    outsider = make_agent(other_account, "gus@globex.test", "Gus")
    set_department_members(department=globex_support, users=[outsider])
    with on_commit():
        ticket = make_ticket(other_account, department=globex_support)
    with on_commit():
        conversations.add_note(ticket=ticket, author=outsider, text="@Bob Builder and @alice, see this")

    assert sorted(
        (n.account_id, n.recipient.email, n.kind) for n in Notification.objects.select_related("recipient")
    ) == [
        (other_account.pk, "alice@acme.test", "mentioned"),
        (other_account.pk, "gus@globex.test", "new_ticket"),
    ]
