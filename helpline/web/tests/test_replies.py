"""Canned messages and predefined answers in the workspace: the settings screens (who may manage what), the
"/" search and the answer picker of the reply box, and sending a reply with a predefined answer."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.conversations.models import Message, Ticket
from helpline.core.actors import Actor
from helpline.replies.actions import create_canned_message, create_predefined_answer
from helpline.replies.models import AnswerAttachment, CannedMessage, PredefinedAnswer
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import set_department_members
from helpline.tenancy.selectors import list_departments
from helpline.web.tests.conftest import HTMX

LIST = "/agent/settings/canned-messages/"
NEW = "/agent/settings/canned-messages/new/"
ANSWERS = "/agent/settings/predefined-answers/"
NEW_ANSWER = "/agent/settings/predefined-answers/new/"


@pytest.fixture
def actor(owner):
    return Actor(user=owner)


@pytest.fixture
def department(account):
    return list_departments(account)[0]


def _counts():
    return CannedMessage.objects.count(), PredefinedAnswer.objects.count(), AuditEntry.objects.count()


# Settings screens -------------------------------------------------------------------------------------------


def test_an_agent_manages_their_personal_canned_messages(agent_client, agent):
    assert agent_client.get(LIST).status_code == 200
    form = agent_client.get(NEW).content.decode()
    assert '<option value="personal"' in form and '<option value="shared"' not in form

    response = agent_client.post(NEW, {"name": "Thanks", "shortcut": "/thx", "body": "Thanks, {{ contact.name }}!"})
    assert response.status_code == 302
    item = CannedMessage.objects.get()
    assert (item.name, item.shortcut, item.body, item.scope, item.owner) == (
        "Thanks", "thx", "Thanks, {{ contact.name }}!", "personal", agent,
    )  # fmt: skip
    page = agent_client.get(LIST).content.decode()
    assert f'data-canned="{item.public_id}"' in page and "/thx" in page

    edit = f"{LIST}{item.public_id}/"
    assert agent_client.post(edit, {"name": "Thank you", "shortcut": "ty", "body": "Ty"}).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.shortcut, item.body) == ("Thank you", "ty", "Ty")
    assert agent_client.post(f"{edit}delete/").status_code == 302
    assert CannedMessage.objects.count() == 0


def test_an_agent_gets_403_on_shared_items_and_changes_nothing(agent_client, account, actor, department):
    shared = create_canned_message(account=account, name="Shared", body="S", actor=actor)
    dept = create_canned_message(
        account=account, name="Dept", body="D", scope="department", department=department, actor=actor
    )
    answer = create_predefined_answer(account=account, name="Shared", body="S", actor=actor)
    before = _counts()
    for item in (shared, dept):
        assert agent_client.get(f"{LIST}{item.public_id}/").status_code == 403
        assert agent_client.post(f"{LIST}{item.public_id}/", {"name": "X", "body": "X"}).status_code == 403
        assert agent_client.post(f"{LIST}{item.public_id}/delete/").status_code == 403
    assert agent_client.get(f"{ANSWERS}{answer.public_id}/").status_code == 403
    assert agent_client.post(f"{ANSWERS}{answer.public_id}/delete/").status_code == 403
    assert agent_client.post(NEW, {"name": "X", "body": "X", "scope": "shared"}).status_code == 403
    assert agent_client.post(NEW_ANSWER, {"name": "X", "body": "X", "scope": "shared"}).status_code == 403
    assert _counts() == before
    shown = agent_client.get(LIST).content.decode()
    assert shared.public_id not in shown and dept.public_id not in shown


def test_another_agents_personal_item_is_403_and_another_accounts_404(
    account, other_account, make_agent, agent_client, owner_client
):
    bob = make_agent(account, "bob@acme.test")
    theirs = create_canned_message(
        account=account, name="Bob's", body="B", scope="personal", owner=bob, actor=Actor(user=bob)
    )
    foreign = create_canned_message(account=other_account, name="F", body="F", actor=Actor(user=other_account.owner))
    assert agent_client.get(f"{LIST}{theirs.public_id}/").status_code == 403
    assert owner_client.get(f"{LIST}{theirs.public_id}/").status_code == 403  # personal is personal
    assert owner_client.get(f"{LIST}{foreign.public_id}/").status_code == 404
    assert owner_client.post(f"{LIST}{foreign.public_id}/delete/").status_code == 404
    assert CannedMessage.objects.filter(pk=foreign.pk).exists()


def test_an_owner_creates_department_and_shared_items(owner_client, department):
    response = owner_client.post(
        NEW, {"name": "Dept", "body": "D", "scope": "department", "department": department.public_id}
    )
    assert response.status_code == 302
    assert owner_client.post(NEW, {"name": "All", "body": "A", "scope": "shared"}).status_code == 302
    assert list(CannedMessage.objects.values_list("name", "scope", "department", "owner")) == [
        ("All", "shared", None, None),
        ("Dept", "department", department.pk, None),
    ]


def test_form_errors_say_why_and_save_nothing(owner_client):
    before = _counts()
    response = owner_client.post(NEW, {"name": "Typo", "body": "Hi {{ contact.nmae }}", "scope": "shared"})
    assert response.status_code == 422
    assert "Unknown placeholder: {{ contact.nmae }}." in response.content.decode()
    response = owner_client.post(NEW, {"name": "D", "body": "x", "scope": "department", "department": "nope"})
    assert response.status_code == 422
    assert "Choose a department of this account." in response.content.decode()
    assert _counts() == before


def test_the_plan_limit_shows_and_refuses(owner_client, account, actor):
    from helpline.tenancy.actions import update_account

    update_account(account=account, plan="free")
    for n in range(10):
        create_canned_message(account=account, name=f"C{n}", body="x", actor=actor)
    page = owner_client.get(LIST).content.decode()
    assert "10 / 10" in page and "data-limit-reached" in page
    response = owner_client.post(NEW, {"name": "C10", "body": "x", "scope": "shared"})
    assert response.status_code == 422
    assert "Your Free plan allows 10 canned messages; you have 10." in response.content.decode()
    assert CannedMessage.objects.count() == 10


def test_a_predefined_answer_with_files_and_follow_ups(owner_client, account):
    response = owner_client.post(
        NEW_ANSWER,
        {
            "name": "Refund",
            "body": "Refunded.",
            "scope": "shared",
            "set_status": "resolved",
            "add_tags": "refund, billing",
            "files": [SimpleUploadedFile("policy.pdf", b"%PDF", content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    answer = PredefinedAnswer.objects.get()
    assert (answer.set_status, answer.add_tags) == ("resolved", ["refund", "billing"])
    attachment = AnswerAttachment.objects.get()
    assert (attachment.name, attachment.size) == ("policy.pdf", 4)
    page = owner_client.get(f"{ANSWERS}{answer.public_id}/").content.decode()
    assert "policy.pdf" in page

    response = owner_client.post(
        f"{ANSWERS}{answer.public_id}/",
        {"name": "Refund", "body": "Refunded!", "scope": "shared", "set_status": "", "add_tags": "",
         "remove_file": [attachment.public_id]},
    )  # fmt: skip
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.body, answer.set_status, answer.add_tags, answer.attachments.count()) == ("Refunded!", "", [], 0)


def test_settings_lists_cost_fixed_queries(owner_client, agent_client, account, actor, agent):
    def measure(client, url):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["items"])

    def fill(n):
        for i in range(n):
            create_canned_message(account=account, name=f"C{i}", body="x", actor=actor)
            create_canned_message(account=account, name=f"P{i}", body="x", scope="personal", owner=agent, actor=actor)
            create_predefined_answer(account=account, name=f"A{i}", body="x", actor=actor)

    fill(2)
    small = [measure(owner_client, LIST), measure(owner_client, ANSWERS), measure(agent_client, LIST)]
    fill(20)
    large = [measure(owner_client, LIST), measure(owner_client, ANSWERS), measure(agent_client, LIST)]
    assert [shown for _q, shown in small] == [2, 2, 2]
    assert [shown for _q, shown in large] == [22, 22, 22]
    assert [q for q, _shown in small] == [q for q, _shown in large]


def test_the_sections_are_listed_for_every_member(agent_client):
    page = agent_client.get("/agent/settings/profile/").content.decode()
    assert f'href="{LIST}"' in page and f'href="{ANSWERS}"' in page


# The reply box ----------------------------------------------------------------------------------------------


@pytest.fixture
def snippets(account, actor, agent, make_agent, department):
    bob = make_agent(account, "bob@acme.test")
    set_department_members(department=department, users=[agent])
    create_canned_message(
        account=account, name="Refund", shortcut="refund", body="Hi {{ contact.name }}, refund for {{ ticket.code }}.",
        actor=actor,
    )  # fmt: skip
    create_canned_message(
        account=account, name="Bob only", shortcut="refbob", body="x", scope="personal", owner=bob, actor=actor
    )
    create_canned_message(
        account=account, name="Support ref", shortcut="refsup", body="Signed, {{ agent.name }}", scope="department",
        department=department, actor=actor,
    )  # fmt: skip


def test_slash_search_renders_for_the_ticket_and_hides_what_the_agent_may_not_use(agent_client, ticket, snippets):
    response = agent_client.get("/agent/replies/canned/", {"q": "ref", "ticket": ticket.public_id})
    assert response.status_code == 200
    items = [(i["name"], i["shortcut"], i["text"]) for i in response.json()["items"]]
    assert items == [
        ("Refund", "refund", f"Hi Carla Customer, refund for {ticket.code}."),
        ("Support ref", "refsup", "Signed, Alice Agent"),
    ]


def test_slash_search_for_a_ticket_of_another_account_is_404(agent_client, other_account, make_ticket, snippets):
    foreign = make_ticket(other_account)
    assert agent_client.get("/agent/replies/canned/", {"ticket": foreign.public_id}).status_code == 404


def test_slash_search_costs_fixed_queries(agent_client, ticket, account, actor, snippets):
    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = agent_client.get("/agent/replies/canned/", {"q": "", "ticket": ticket.public_id})
        return len(queries), len(response.json()["items"])

    small = measure()
    for n in range(15):
        create_canned_message(account=account, name=f"More {n}", body="{{ contact.email }}", actor=actor)
    large = measure()
    assert (small[1], large[1]) == (2, 17)
    assert small[0] == large[0]


def test_the_answer_picker_lists_visible_answers_rendered(agent_client, ticket, account, actor):
    answer = create_predefined_answer(
        account=account, name="Refund", body="Dear {{ contact.name }}", set_status="resolved", add_tags=["refund"],
        actor=actor,
    )  # fmt: skip
    response = agent_client.get("/agent/replies/answers/", {"ticket": ticket.public_id})
    assert response.json() == {
        "items": [
            {"id": answer.public_id, "name": "Refund", "text": "Dear Carla Customer", "files": [],
             "status": "Resolved", "tags": ["refund"]}
        ]
    }  # fmt: skip
    page = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert 'data-canned="/agent/replies/canned/?ticket=' in page
    assert 'name="predefined_answer"' in page


def test_sending_with_a_predefined_answer_applies_its_follow_ups(agent_client, ticket, account, actor):
    answer = create_predefined_answer(
        account=account, name="Refund", body="Refunded", set_status="resolved", add_tags=["refund"], actor=actor
    )
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/reply/",
        {"body": "Refunded, Carla.", "predefined_answer": answer.public_id},
        **HTMX,
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "resolved"
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert Message.objects.get(ticket=ticket, direction="out").body_text == "Refunded, Carla."


def test_an_answer_the_agent_may_not_use_is_refused_and_nothing_is_sent(agent_client, ticket, account, make_agent):
    bob = make_agent(account, "bob@acme.test")
    answer = create_predefined_answer(
        account=account, name="Bob's", body="B", scope="personal", owner=bob, set_status="resolved",
        actor=Actor(user=bob),
    )  # fmt: skip
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/reply/", {"body": "Hi", "predefined_answer": answer.public_id}, **HTMX
    )
    assert response.status_code == 422
    assert "That predefined answer is not available any more" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status != "resolved"
    assert not Message.objects.filter(ticket=ticket, direction="out").exists()


def test_the_chat_console_offers_canned_messages(agent_client):
    page = agent_client.get("/agent/chats/").content.decode()
    assert 'data-canned-url="/agent/replies/canned/"' in page
