"""The inbox: every filter returns exactly the expected tickets; counts are bounded; pages are keyset."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.formats import date_format

from helpline.conversations.actions import assign_ticket, change_status, create_tag, transfer_ticket
from helpline.conversations.models import Tag, Ticket
from helpline.conversations.selectors import PAGE_SIZE
from helpline.conversations.statuses import Priority
from helpline.core import clock
from helpline.people.models import Contact
from helpline.tenancy.actions import create_department, deactivate_member, update_department
from helpline.tenancy.models import Department, Membership
from helpline.web.tests.conftest import htmx_target, signed_in


@pytest.fixture
def inbox(account, other_account, owner, agent, make_ticket, django_capture_on_commit_callbacks):
    """Four tickets of Acme that differ in every filtered field, plus one of Globex."""
    with django_capture_on_commit_callbacks(execute=True):
        billing = create_department(account=account, name="Billing")
        fresh = make_ticket(account, subject="Printer jammed", tags=["vip"], email="a@example.com")
        mine = make_ticket(
            account, subject="Zeppelin delivery late", channel="email", priority=Priority.HIGH, email="b@example.com"
        )
        assign_ticket(ticket=mine, assignee=agent)
        change_status(ticket=mine, status="open")
        theirs = make_ticket(account, subject="Invoice wrong", tags=["billing"], priority=Priority.URGENT)
        assign_ticket(ticket=theirs, assignee=owner)
        transfer_ticket(ticket=theirs, department=billing)
        change_status(ticket=theirs, status="answered")
        junk = make_ticket(account, subject="Cheap watches", email="spam@example.com")
        change_status(ticket=junk, status="spam")
        elsewhere = make_ticket(other_account, subject="Zeppelin at Globex", tags=["vip"], channel="email")
    return {
        "fresh": fresh,
        "mine": mine,
        "theirs": theirs,
        "junk": junk,
        "elsewhere": elsewhere,
        "billing": billing,
    }


def listed(response) -> list[str]:
    return [t.subject for t in response.context["tickets"]]


def test_without_filters_the_inbox_lists_the_accounts_active_tickets_newest_first(agent_client, inbox):
    response = agent_client.get("/agent/")
    assert response.status_code == 200
    assert listed(response) == ["Invoice wrong", "Zeppelin delivery late", "Printer jammed"]
    body = response.content.decode()
    assert "Zeppelin at Globex" not in body
    assert "Cheap watches" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", ["Zeppelin delivery late"]),
        ("status=spam", ["Cheap watches"]),
        ("status=answered", ["Invoice wrong"]),
        ("assignee=me", ["Zeppelin delivery late"]),
        ("assignee=unassigned", ["Printer jammed"]),
        ("tag=vip", ["Printer jammed"]),
        ("tag=billing", ["Invoice wrong"]),
        ("channel=email", ["Zeppelin delivery late"]),
        ("channel=web", ["Invoice wrong", "Printer jammed"]),
        ("priority=urgent", ["Invoice wrong"]),
        ("priority=high", ["Zeppelin delivery late"]),
        ("priority=low", []),
        ("q=zeppelin", ["Zeppelin delivery late"]),
        ("q=zeppelin&status=resolved", []),
        ("tag=vip&channel=email", []),
    ],
)
def test_each_filter_returns_exactly_the_matching_tickets(agent_client, inbox, query, expected):
    response = agent_client.get(f"/agent/?{query}")
    assert response.status_code == 200
    assert listed(response) == expected


def test_filter_by_department_and_by_a_named_agent(agent_client, inbox, owner):
    by_department = agent_client.get(f"/agent/?department={inbox['billing'].public_id}")
    assert listed(by_department) == ["Invoice wrong"]
    by_agent = agent_client.get(f"/agent/?assignee={owner.public_id}")
    assert listed(by_agent) == ["Invoice wrong"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=bogus", "Unknown status bogus."),
        ("priority=extreme", "Unknown priority extreme."),
        ("department=nosuchdepartment", "There is no such department in this account."),
        ("assignee=nosuchagent", "There is no such agent in this account."),
        ("tag=nosuchtag", "There is no tag named “nosuchtag”."),
        ("cursor=!!!", "The cursor is not valid; start again from the first page."),
    ],
)
def test_unknown_filter_values_give_a_400_with_the_reason(agent_client, inbox, query, message):
    response = agent_client.get(f"/agent/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["tickets"] == []


def test_another_accounts_department_or_agent_is_unknown_here(agent_client, inbox, other_account):
    globex_department = Department.objects.get(account=other_account).public_id
    response = agent_client.get(f"/agent/?department={globex_department}")
    assert response.status_code == 400
    assert "There is no such department in this account." in response.content.decode()
    response = agent_client.get(f"/agent/?assignee={other_account.owner.public_id}")
    assert response.status_code == 400


def test_an_htmx_filter_change_gets_only_the_list_and_the_counts(agent_client, inbox):
    response = agent_client.get("/agent/?status=open", **htmx_target("ticket-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert [t.name for t in response.templates][0] == "agent/_ticket_list_response.html"
    assert "<html" not in body
    assert body.count('id="ticket-list"') == 1
    assert 'id="status-counts" class="status-counts" hx-swap-oob="true"' in body
    assert listed(response) == ["Zeppelin delivery late"]


def test_a_history_restore_gets_the_whole_page(agent_client, inbox):
    headers = {**htmx_target("ticket-list"), "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    response = agent_client.get("/agent/?status=open", **headers)
    assert "<html" in response.content.decode()


def test_the_sidebar_counts_each_status_under_the_other_filters(agent_client, inbox):
    response = agent_client.get("/agent/?channel=web")
    counts = {row["value"]: (row["count"], row["capped"]) for row in response.context["counts"]}
    assert counts == {
        "": (2, False),
        "new": (1, False),
        "open": (0, False),
        "answered": (1, False),
        "postponed": (0, False),
        "resolved": (0, False),
        "spam": (1, False),
        "deleted": (0, False),
    }


def _bulk_tickets(account, contact, n: int, *, start=None):
    start = start or clock.now()
    Ticket.objects.bulk_create(
        [
            Ticket(
                account=account, contact=contact, subject=f"Bulk {i:04d}", last_activity_at=start - timedelta(seconds=i)
            )
            for i in range(n)
        ]
    )


def test_counts_stop_at_a_thousand_and_say_so(agent_client, ticket):
    _bulk_tickets(ticket.account, ticket.contact, 1000)
    response = agent_client.get("/agent/")
    all_active = response.context["counts"][0]
    assert (all_active["count"], all_active["capped"]) == (1000, True)
    assert '<span class="count">1000+</span>' in response.content.decode()


def test_older_link_walks_the_keyset_pages(agent_client, ticket):
    _bulk_tickets(ticket.account, ticket.contact, PAGE_SIZE, start=ticket.last_activity_at - timedelta(minutes=1))
    first = agent_client.get("/agent/?channel=web")
    assert len(first.context["tickets"]) == PAGE_SIZE
    assert listed(first)[:2] == ["Printer on fire", "Bulk 0000"]
    older_url = first.context["older_url"]
    assert older_url.startswith("/agent/?channel=web&cursor=")
    second = agent_client.get(older_url)
    assert listed(second) == [f"Bulk {PAGE_SIZE - 1:04d}"]
    assert second.context["older_url"] == ""
    assert second.context["newest_url"] == "/agent/?channel=web"


def _options(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}" class="select">(.*?)</select>', body, re.S).group(1)
    return re.findall(r"<option [^>]*>([^<]*)</option>", select)


def test_the_filter_bar_shows_a_new_department_agent_and_tag_at_once(owner_client, account, make_agent, make_ticket):
    before = owner_client.get("/agent/").content.decode()  # fills the cached filter lists
    assert _options(before, "department") == ["All", "Support"]
    assert _options(before, "assignee") == ["Anyone", "Me", "Unassigned", "owner"]
    assert _options(before, "tag") == ["Any"]

    create_department(account=account, name="Escalations")
    make_agent(account, "zed@acme.test", "Zed Agent")
    create_tag(account=account, name="legal")
    make_ticket(account, tags=["fresh"])

    after = owner_client.get("/agent/").content.decode()
    assert _options(after, "department") == ["All", "Escalations", "Support"]
    assert _options(after, "assignee") == ["Anyone", "Me", "Unassigned", "Zed Agent", "owner"]
    assert _options(after, "tag") == ["Any", "fresh", "legal"]


def test_the_filter_bar_drops_a_deactivated_agent_and_shows_a_renamed_department(owner_client, account, agent):
    before = owner_client.get("/agent/").content.decode()
    assert _options(before, "assignee") == ["Anyone", "Me", "Unassigned", "Alice Agent", "owner"]

    deactivate_member(membership=Membership.objects.get(account=account, user=agent))
    update_department(department=Department.objects.get(account=account, name="Support"), name="Help")

    after = owner_client.get("/agent/").content.decode()
    assert _options(after, "assignee") == ["Anyone", "Me", "Unassigned", "owner"]
    assert _options(after, "department") == ["All", "Help"]
    response = owner_client.get(f"/agent/?assignee={agent.public_id}")
    assert response.status_code == 400
    assert "There is no such agent in this account." in response.content.decode()


def test_a_filter_value_missing_from_stale_cached_lists_is_still_accepted(owner_client, account, make_ticket):
    owner_client.get("/agent/")
    # Written around the actions (as another process with its own cache would): the cached lists are stale.
    billing = Department.objects.create(account=account, name="Billing")
    Tag.objects.create(account=account, name="quiet")
    ticket = make_ticket(account, subject="Refund please")
    Ticket.objects.filter(pk=ticket.pk).update(department=billing)
    response = owner_client.get(f"/agent/?department={billing.public_id}&tag=quiet")
    assert response.status_code == 200
    assert listed(response) == []
    assert listed(owner_client.get(f"/agent/?department={billing.public_id}")) == ["Refund please"]


def test_a_row_shows_the_tickets_fields_escaped(owner_client, account, agent, make_ticket):
    account.timezone = "Europe/Berlin"
    account.save(update_fields=["timezone"])
    billing = create_department(account=account, name="Billing & <Co>")
    ticket = make_ticket(
        account, subject='<b>Broken</b> & "bent"', channel="email", priority=Priority.URGENT, tags=["vip", "a<b"]
    )
    Contact.objects.filter(pk=ticket.contact_id).update(name="<émile> Zola")
    assign_ticket(ticket=ticket, assignee=agent)
    transfer_ticket(ticket=ticket, department=billing)
    change_status(ticket=ticket, status="open")
    moment = clock.now().replace(microsecond=0) - timedelta(hours=3)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=moment)
    local = moment.astimezone(ZoneInfo("Europe/Berlin"))
    due = Ticket.objects.get(pk=ticket.pk).sla_due_at  # the default deadline: the row counts down to it
    due_local = date_format(due.astimezone(ZoneInfo("Europe/Berlin")), "DATETIME_FORMAT")

    body = owner_client.get("/agent/").content.decode()

    row = re.search(r"      <li><input .*?</li>\n", body, re.S).group(0)
    assert row == (
        f'      <li><input type="checkbox" class="ticket-row__check" form="bulk-form" name="tickets"'
        f' value="{ticket.public_id}" aria-label="Select ticket #{ticket.code}" data-bulk-check>\n'
        f'        <a class="ticket-row ticket-row--p4" href="/agent/tickets/{ticket.public_id}/"'
        f' data-ticket-row="{ticket.public_id}">\n'
        '          <span class="ticket-row__who">\n'
        '            <span class="avatar avatar--soft" aria-hidden="true">&lt;</span>\n'
        '            <span class="ticket-row__contact">&lt;émile&gt; Zola</span>\n'
        "          </span>\n"
        '          <span class="ticket-row__main">\n'
        '            <span class="ticket-row__subject">&lt;b&gt;Broken&lt;/b&gt; &amp; &quot;bent&quot;</span>\n'
        '            <span class="ticket-row__meta">\n'
        '              <span class="ticket-row__contact-inline">&lt;émile&gt; Zola</span>\n'
        f'              <span class="code">#{ticket.code}</span>\n'
        "              <span>email</span>\n"
        "              <span>Billing &amp; &lt;Co&gt;</span>\n"
        '              <span class="tag">a&lt;b</span><span class="tag">vip</span>\n'
        "            </span>\n"
        "          </span>\n"
        '          <span class="ticket-row__side">\n'
        '            <span class="badge badge--open">Open</span>\n'
        '            <span class="priority priority--p4">Urgent</span>\n'
        '            <span class="ticket-row__assignee">Alice Agent</span>\n'
        f'            <time datetime="{local.isoformat()}" title="{date_format(local, "DATETIME_FORMAT")}">'
        "3\xa0hours ago</time>"
        f'<time class="sla-due" datetime="{due.isoformat()}" data-sla-due="{due.isoformat()}">Due {due_local}</time>\n'
        "          </span>\n"
        "        </a>\n"
        "      </li>\n"
    )
    assert local.isoformat().endswith(("+01:00", "+02:00"))


def test_an_unassigned_row_without_department_or_tags(owner_client, account, make_ticket):
    ticket = make_ticket(account, subject="Quiet one", priority=Priority.HIGH)
    Ticket.objects.filter(pk=ticket.pk).update(department=None)
    body = owner_client.get("/agent/").content.decode()
    row = re.search(r'<span class="ticket-row__meta">.*?</time>', body, re.S).group(0)
    assert '<span class="ticket-row__assignee"><em>Unassigned</em></span>' in row
    assert '<span class="priority priority--p3">High</span>' in row
    assert '<span class="badge badge--new">New</span>' in row
    assert "<span>web</span>\n              \n              \n            </span>" in row
    assert "just now</time>" in row


def test_the_filter_bar_lists_only_this_accounts_agents_departments_and_tags(
    owner_client, account, other_account, make_agent, make_ticket
):
    other_client = signed_in(other_account.owner, other_account)
    other_client.get("/agent/")  # Globex's lists are cached too
    create_department(account=other_account, name="Globex Only")
    make_agent(other_account, "gina@globex.test", "Gina Globex")
    make_ticket(other_account, tags=["globex-tag"])
    make_ticket(account, tags=["acme-tag"])

    body = owner_client.get("/agent/").content.decode()
    assert _options(body, "department") == ["All", "Support"]
    assert _options(body, "assignee") == ["Anyone", "Me", "Unassigned", "owner"]
    assert _options(body, "tag") == ["Any", "acme-tag"]
    other_body = other_client.get("/agent/").content.decode()
    assert _options(other_body, "department") == ["All", "Globex Only", "Support"]
    assert _options(other_body, "tag") == ["Any", "globex-tag"]
