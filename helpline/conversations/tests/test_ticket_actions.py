import pytest

from helpline.conversations import actions
from helpline.conversations.models import Tag, Ticket, TicketTag
from helpline.conversations.statuses import Priority, Status
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.security.models import AuditEntry


def audit_actions(ticket):
    return list(
        AuditEntry.objects.filter(subject_type="ticket", subject_id=ticket.public_id)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_create_ticket_has_public_id_code_and_audit(account, make_ticket):
    ticket = make_ticket(account, subject="  Hello  ", tags=["VIP", "vip", "billing"])
    assert len(ticket.public_id) == 16
    assert ticket.public_id != str(ticket.pk)
    assert len(ticket.code) == 13 and ticket.code[3] == "-" and ticket.code[7] == "-"
    assert ticket.subject == "Hello"
    assert ticket.status == Status.NEW
    assert ticket.message_count == 1
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["VIP", "billing"]
    assert audit_actions(ticket) == ["ticket.created", "message.received"]


def test_empty_subject_gets_placeholder(account, make_ticket):
    assert make_ticket(account, subject="   ").subject == "(no subject)"


def test_change_status_records_resolution_and_audit(account, ticket, owner):
    ticket = actions.change_status(ticket=ticket, status=Status.RESOLVED, actor=Actor(user=owner))
    assert ticket.status == "resolved"
    assert ticket.resolved_at is not None
    entry = AuditEntry.objects.filter(action="ticket.status_changed").get()
    assert entry.data == {"from": "new", "to": "resolved"}
    assert entry.actor_user == owner
    reopened = actions.change_status(ticket=ticket, status=Status.OPEN)
    assert reopened.resolved_at is None


def test_change_status_rejects_unknown_and_live_statuses(ticket):
    for bad in ("closed", "chatting", ""):
        with pytest.raises(DomainError):
            actions.change_status(ticket=ticket, status=bad)
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    assert actions.change_status(ticket=ticket, status="chatting", allow_live=True).status == "chatting"


def test_change_priority(ticket):
    assert actions.change_priority(ticket=ticket, priority=Priority.URGENT).priority == 4
    with pytest.raises(DomainError):
        actions.change_priority(ticket=ticket, priority=9)
    assert Ticket.objects.get(pk=ticket.pk).priority == 4


def test_assign_only_to_agents_of_the_account(account, other_account, ticket, agent):
    assert actions.assign_ticket(ticket=ticket, assignee=agent).assignee == agent
    with pytest.raises(DomainError):
        actions.assign_ticket(ticket=ticket, assignee=other_account.owner)
    assert Ticket.objects.get(pk=ticket.pk).assignee == agent
    assert actions.assign_ticket(ticket=ticket, assignee=None).assignee is None


def test_transfer_to_department_and_agent(account, other_account, ticket, agent):
    from helpline.tenancy.actions import create_department

    billing = create_department(account=account, name="Billing")
    ticket = actions.transfer_ticket(ticket=ticket, department=billing, assignee=agent)
    assert (ticket.department, ticket.assignee) == (billing, agent)
    foreign = other_account_department = create_department(account=other_account, name="Foreign")
    with pytest.raises(DomainError):
        actions.transfer_ticket(ticket=ticket, department=foreign)
    assert Ticket.objects.get(pk=ticket.pk).department == billing
    assert other_account_department.account == other_account
    assert audit_actions(ticket)[-2:] == ["ticket.transferred", "ticket.assigned"]


def test_tag_untag_and_set_tags(ticket):
    assert actions.tag_ticket(ticket=ticket, names=["bug", " Bug ", "", "urgent"]) == ["bug", "urgent"]
    assert actions.tag_ticket(ticket=ticket, names=["bug"]) == []
    assert actions.untag_ticket(ticket=ticket, names=["URGENT", "missing"]) == ["urgent"]
    actions.set_tags(ticket=ticket, names=["vip", "bug"])
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["bug", "vip"]
    link = TicketTag.objects.get(ticket=ticket, tag__name="vip")
    assert link.last_activity_at == Ticket.objects.get(pk=ticket.pk).last_activity_at
    assert Tag.objects.filter(account=ticket.account).count() == 3


def test_custom_field_values_are_validated(account, ticket):
    from helpline.conversations.models import CustomField

    size = CustomField.objects.create(
        account=account, key="size", label="Size", kind="dropdown", applies_to="ticket", choices=["S", "M"]
    )
    count = CustomField.objects.create(account=account, key="n", label="Units", kind="number", applies_to="ticket")
    assert actions.set_custom_field(ticket=ticket, field=size, value="M").value == "M"
    assert actions.set_custom_field(ticket=ticket, field=count, value="3").value == 3.0
    with pytest.raises(DomainError):
        actions.set_custom_field(ticket=ticket, field=size, value="XL")
    with pytest.raises(DomainError):
        actions.set_custom_field(ticket=ticket, field=count, value="three")
    assert ticket.field_values.get(field=size).value == "M"
    assert ticket.field_values.get(field=count).value == 3.0
