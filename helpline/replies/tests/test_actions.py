"""Canned messages and predefined answers: scopes, visibility, plan limits, audit, and sending an answer."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from helpline.conversations.models import Attachment, Message, Ticket
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, LimitReached
from helpline.replies.actions import (
    add_answer_attachment,
    create_canned_message,
    create_predefined_answer,
    delete_canned_message,
    delete_predefined_answer,
    send_predefined_answer,
    update_canned_message,
)
from helpline.replies.models import AnswerAttachment, CannedMessage, PredefinedAnswer
from helpline.replies.selectors import list_visible_answers, search_canned_messages
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_department, set_department_members, update_account


def _canned(account, actor, name, **kwargs):
    return create_canned_message(
        account=account, name=name, body=kwargs.pop("body", f"{name} text"), actor=actor, **kwargs
    )


@pytest.fixture
def bob(account, make_agent):
    return make_agent(account, "bob@acme.test", "Bob Builder")


def test_visibility_personal_department_and_shared(account, owner_actor, agent, bob, department):
    billing = create_department(account=account, name="Billing")
    set_department_members(department=department, users=[agent])
    set_department_members(department=billing, users=[bob])
    _canned(account, owner_actor, "Shared", shortcut="/Hello")
    _canned(account, owner_actor, "Alice own", scope="personal", owner=agent)
    _canned(account, owner_actor, "Bob own", scope="personal", owner=bob)
    _canned(account, owner_actor, "Support dept", scope="department", department=department)
    _canned(account, owner_actor, "Billing dept", scope="department", department=billing)

    assert [c.name for c in search_canned_messages(account, agent)] == ["Alice own", "Shared", "Support dept"]
    assert [c.name for c in search_canned_messages(account, bob)] == ["Billing dept", "Bob own", "Shared"]
    assert CannedMessage.objects.get(name="Shared").shortcut == "hello"


def test_another_account_sees_nothing(account, other_account, owner_actor):
    _canned(account, owner_actor, "Shared")
    assert search_canned_messages(other_account, other_account.owner) == []


def test_search_puts_shortcut_matches_first(account, owner_actor, agent):
    _canned(account, owner_actor, "About refunds", shortcut="money")
    _canned(account, owner_actor, "Zebra", shortcut="refund")
    _canned(account, owner_actor, "Other", shortcut="other")

    assert [c.name for c in search_canned_messages(account, agent, "/ref")] == ["Zebra", "About refunds"]
    assert [c.name for c in search_canned_messages(account, agent, "zzz")] == []


def test_scope_needs_its_owner_or_department(account, other_account, owner_actor):
    with pytest.raises(DomainError, match="personal item needs an agent"):
        _canned(account, owner_actor, "Mine", scope="personal")
    with pytest.raises(DomainError, match="personal item needs an agent"):
        _canned(account, owner_actor, "Theirs", scope="personal", owner=other_account.owner)
    from helpline.tenancy.selectors import list_departments

    with pytest.raises(DomainError, match="department of this account"):
        _canned(account, owner_actor, "Dept", scope="department", department=list_departments(other_account)[0])
    with pytest.raises(DomainError, match="Choose personal"):
        _canned(account, owner_actor, "Odd", scope="team")
    assert CannedMessage.objects.count() == 0


def test_unknown_placeholders_and_bad_shortcuts_are_refused_on_save(account, owner_actor):
    with pytest.raises(DomainError) as caught:
        _canned(account, owner_actor, "Typo", body="Hi {{ contact.nmae }}")
    assert "Unknown placeholder: {{ contact.nmae }}." in caught.value.message
    with pytest.raises(DomainError, match="shortcut is one word"):
        _canned(account, owner_actor, "Bad", shortcut="two words")
    assert CannedMessage.objects.count() == 0
    assert AuditEntry.objects.filter(action__startswith="canned_message").count() == 0


def test_plan_limit_counts_canned_messages_and_answers(account, owner_actor):
    update_account(account=account, plan="free")
    for n in range(10):
        _canned(account, owner_actor, f"C{n}")
    with pytest.raises(LimitReached) as caught:
        _canned(account, owner_actor, "One too many")
    assert str(caught.value.message) == ("Your Free plan allows 10 canned messages; you have 10. Upgrade to add more.")
    assert CannedMessage.objects.count() == 10
    for n in range(5):
        create_predefined_answer(account=account, name=f"A{n}", body="Hello", actor=owner_actor)
    with pytest.raises(LimitReached):
        create_predefined_answer(account=account, name="A5", body="Hello", actor=owner_actor)
    assert PredefinedAnswer.objects.count() == 5


def test_writes_are_audited(account, owner_actor, owner):
    item = _canned(account, owner_actor, "Hello")
    update_canned_message(
        message=item, name="Hi", body="Hi!", shortcut="hi", scope="personal", owner=owner, department=None,
        actor=owner_actor,
    )  # fmt: skip
    item.refresh_from_db()
    assert (item.name, item.body, item.shortcut, item.scope, item.owner) == ("Hi", "Hi!", "hi", "personal", owner)
    delete_canned_message(message=item, actor=owner_actor)
    assert list(
        AuditEntry.objects.filter(subject_id=item.public_id).order_by("id").values_list("action", "actor_user")
    ) == [
        ("canned_message.created", owner.pk),
        ("canned_message.updated", owner.pk),
        ("canned_message.deleted", owner.pk),
    ]


@pytest.fixture
def refund_answer(account, owner_actor):
    answer = create_predefined_answer(
        account=account,
        name="Refund",
        body="Dear {{ contact.name }}, your refund for {{ ticket.code }} is on its way.",
        set_status="resolved",
        add_tags=["refund", "Billing", "refund"],
        actor=owner_actor,
    )
    add_answer_attachment(
        answer=answer, name="../policy.pdf", content=b"%PDF-1.4 policy", content_type="application/pdf",
        actor=owner_actor,
    )  # fmt: skip
    return answer


def test_sending_an_answer_applies_its_follow_ups_exactly(
    ticket, agent, refund_answer, django_capture_on_commit_callbacks
):
    assert refund_answer.add_tags == ["refund", "Billing"]
    with django_capture_on_commit_callbacks(execute=True):
        message = send_predefined_answer(ticket=ticket, answer=refund_answer, author=agent)

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert message.body_text == f"Dear Carla Customer, your refund for {ticket.code} is on its way."
    assert message.author_user == agent
    assert ticket.status == "resolved"
    assert ticket.resolved_at is not None
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["Billing", "refund"]
    files = list(Attachment.objects.filter(message=message).values_list("name", "content_type", "size"))
    assert files == [("policy.pdf", "application/pdf", 15)]
    with default_storage.open(Attachment.objects.get(message=message).storage_key, "rb") as handle:
        assert handle.read() == b"%PDF-1.4 policy"
    actions = list(
        AuditEntry.objects.filter(subject_id=ticket.public_id).order_by("id").values_list("action", flat=True)
    )
    assert actions[-4:] == ["reply.queued", "ticket.status_changed", "ticket.tagged", "predefined_answer.sent"]
    sent = AuditEntry.objects.get(action="predefined_answer.sent")
    assert sent.data == {
        "answer": refund_answer.public_id,
        "message": message.public_id,
        "status": "resolved",
        "tags": ["refund", "Billing"],
    }


def test_the_agents_edited_text_and_own_files_are_sent(ticket, agent, refund_answer):
    message = send_predefined_answer(
        ticket=ticket, answer=refund_answer, author=agent, text="Edited.", attachments=[("a.txt", b"a", "text/plain")]
    )
    assert message.body_text == "Edited."
    assert sorted(message.attachments.values_list("name", flat=True)) == ["a.txt", "policy.pdf"]


def test_an_answer_of_another_account_is_refused_and_nothing_is_sent(ticket, agent, other_account):
    foreign = create_predefined_answer(
        account=other_account, name="X", body="X", set_status="resolved", actor=Actor(user=other_account.owner)
    )
    with pytest.raises(DomainError):
        send_predefined_answer(ticket=ticket, answer=foreign, author=agent)
    ticket.refresh_from_db()
    assert ticket.status != "resolved"
    assert Message.objects.filter(ticket=ticket, direction="out").count() == 0


def test_a_failed_follow_up_undoes_the_reply(ticket, agent, account, owner_actor):
    answer = create_predefined_answer(account=account, name="Bad", body="Hi", actor=owner_actor)
    PredefinedAnswer.objects.filter(pk=answer.pk).update(set_status="bogus")  # e.g. a status removed since
    answer.refresh_from_db()
    with pytest.raises(DomainError):
        send_predefined_answer(ticket=ticket, answer=answer, author=agent)
    assert Message.objects.filter(ticket=ticket, direction="out").count() == 0


def test_bad_follow_ups_are_refused_on_save(account, owner_actor):
    with pytest.raises(DomainError, match="Unknown status"):
        create_predefined_answer(account=account, name="A", body="B", set_status="chatting", actor=owner_actor)
    with pytest.raises(DomainError, match="64 characters"):
        create_predefined_answer(account=account, name="A", body="B", add_tags=["x" * 65], actor=owner_actor)
    assert PredefinedAnswer.objects.count() == 0


def test_deleting_an_answer_removes_its_files(refund_answer, owner_actor, django_capture_on_commit_callbacks):
    key = AnswerAttachment.objects.get(answer=refund_answer).storage_key
    assert default_storage.exists(key)
    with django_capture_on_commit_callbacks(execute=True):
        delete_predefined_answer(answer=refund_answer, actor=owner_actor)
    assert not default_storage.exists(key)
    assert AnswerAttachment.objects.count() == 0


def test_answers_are_visible_by_scope(account, owner_actor, agent, bob):
    create_predefined_answer(account=account, name="Shared", body="S", actor=owner_actor)
    create_predefined_answer(account=account, name="Bob's", body="B", scope="personal", owner=bob, actor=owner_actor)
    assert [a.name for a in list_visible_answers(account, agent)] == ["Shared"]
    assert [a.name for a in list_visible_answers(account, bob)] == ["Bob's", "Shared"]
