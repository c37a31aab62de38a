"""The notification centre in the workspace: bell, list, marking read, following a notification, preferences."""

from __future__ import annotations

import pytest

from helpline.notifications.models import Notification, Preference
from helpline.web.tests.conftest import HTMX, signed_in


@pytest.fixture
def alice(team):
    return team["alice"]


@pytest.fixture
def alice_client(alice, account):
    return signed_in(alice, account)


def test_the_workspace_header_loads_the_bell(alice_client):
    page = alice_client.get("/agent/")
    assert b'hx-get="/agent/notifications/bell/"' in page.content
    assert b"notifications/bell.js" in page.content


def test_the_bell_counts_unread_notifications(alice_client, alice, notify_about):
    response = alice_client.get("/agent/notifications/bell/")
    assert response.status_code == 200
    assert b'data-notification-count aria-live="polite">0</span>' in response.content

    notify_about(alice, 2)
    response = alice_client.get("/agent/notifications/bell/")
    assert b'data-notification-count aria-live="polite">2</span>' in response.content
    assert alice_client.get("/agent/notifications/count/").json() == {"unread": 2}


def test_the_list_shows_the_texts_newest_first(alice_client, alice, notify_about):
    first, second = notify_about(alice, 2)

    response = alice_client.get("/agent/notifications/", **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f"{second.code} was assigned to you: Printer on fire 2") < html.index(
        f"{first.code} was assigned to you: Printer on fire 1"
    )
    page = alice_client.get("/agent/notifications/")
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_marking_one_and_all_read(alice_client, alice, notify_about):
    notify_about(alice, 3)
    newest = Notification.objects.order_by("-id").first()

    response = alice_client.post(f"/agent/notifications/{newest.public_id}/read/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"helpline:notifications-read": {}}'
    assert 'data-unread="2"' in response.content.decode()
    assert Notification.objects.filter(read_at=None).count() == 2
    newest.refresh_from_db()
    first_read = newest.read_at
    alice_client.post(f"/agent/notifications/{newest.public_id}/read/", **HTMX)  # again: unchanged
    newest.refresh_from_db()
    assert newest.read_at == first_read

    response = alice_client.post("/agent/notifications/read-all/")
    assert (response.status_code, response["Location"]) == (302, "/agent/notifications/")
    assert Notification.objects.filter(read_at=None).count() == 0


def test_opening_a_notification_marks_it_read_and_opens_the_ticket(alice_client, alice, notify_about):
    (ticket,) = notify_about(alice)
    notification = Notification.objects.get()

    response = alice_client.get(f"/agent/notifications/{notification.public_id}/open/")

    assert (response.status_code, response["Location"]) == (302, f"/agent/tickets/{ticket.public_id}/")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_paging_back_through_older_notifications(alice_client, alice, notify_about):
    notify_about(alice, 23)
    newest_first = list(Notification.objects.order_by("-id").values_list("public_id", flat=True))

    first = alice_client.get("/agent/notifications/", **HTMX).content.decode()
    assert first.count('class="notification ') == 20
    assert f"?before={newest_first[19]}" in first
    second = alice_client.get(f"/agent/notifications/?before={newest_first[19]}", **HTMX).content.decode()
    assert second.count('class="notification ') == 3
    assert "?before=" not in second
    assert alice_client.get("/agent/notifications/?before=nonsense").status_code == 404


def test_another_agents_or_accounts_notifications_stay_out_of_reach(
    account, other_account, team, alice_client, notify_about, make_agent
):
    bob = team["bob"]
    notify_about(bob)
    bobs = Notification.objects.get()
    gus = make_agent(other_account, "gus@globex.test", "Gus")
    notify_about(gus, in_account=other_account, subject="Globex secret")
    gus_row = Notification.objects.get(recipient=gus)

    for public_id in (bobs.public_id, gus_row.public_id):
        assert alice_client.post(f"/agent/notifications/{public_id}/read/").status_code == 404
        assert alice_client.get(f"/agent/notifications/{public_id}/open/").status_code == 404
        assert alice_client.get(f"/agent/notifications/?before={public_id}").status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    listed = alice_client.get("/agent/notifications/").content.decode()
    assert "Printer on fire" not in listed and "Globex secret" not in listed
    assert alice_client.get("/agent/notifications/count/").json() == {"unread": 0}

    # Bob, in both accounts, sees in each only that account's notifications.
    make_agent(other_account, "bob@acme.test")
    notify_about(bob, in_account=other_account, subject="Globex for Bob")
    in_acme = signed_in(bob, account).get("/agent/notifications/").content.decode()
    in_globex = signed_in(bob, other_account).get("/agent/notifications/").content.decode()
    assert "Printer on fire" in in_acme and "Globex for Bob" not in in_acme
    assert "Globex for Bob" in in_globex and "Printer on fire" not in in_globex


def test_a_restricted_agent_no_longer_lists_a_ticket_moved_out_of_sight(account, team, notify_about):
    from helpline.conversations.actions import transfer_ticket

    rita = team["rita"]
    (ticket,) = notify_about(rita, kind="new_ticket")
    transfer_ticket(ticket=ticket, department=team["billing"])

    listed = signed_in(rita, account).get("/agent/notifications/").content.decode()
    assert ticket.code not in listed


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/agent/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.post("/agent/notifications/read-all/").status_code == 302


def test_the_list_costs_the_same_queries_for_a_full_page(alice_client, alice, notify_about, django_assert_num_queries):
    notify_about(alice, 2)
    with django_assert_num_queries(5) as few:  # session, user, membership, the page (joined), the unread count
        alice_client.get("/agent/notifications/", **HTMX)
    notify_about(alice, 25)
    with django_assert_num_queries(len(few.captured_queries)):
        alice_client.get("/agent/notifications/", **HTMX)


def test_preferences_page_shows_defaults_and_saves_choices(account, alice_client, alice):
    page = alice_client.get("/agent/settings/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="assigned.email" aria-label="By email: A ticket is assigned to me" checked' in html
    assert 'name="new_ticket.email" aria-label="By email: New ticket in one of my departments" >' in html
    assert "data-browser-notification" in html

    response = alice_client.post("/agent/settings/notifications/", {
        "assigned.in_app": "on", "assigned.browser": "on", "new_ticket.in_app": "on", "customer_replied.in_app": "on",
        "customer_replied.email": "on", "mentioned.in_app": "on", "mentioned.email": "on", "transferred.in_app": "on",
    })  # fmt: skip

    assert (response.status_code, response["Location"]) == (302, "/agent/settings/notifications/")
    assert sorted(Preference.objects.values_list("user__email", "kind", "in_app", "email", "browser")) == [
        ("alice@acme.test", "assigned", True, False, True),
    ]
    from helpline.security.models import AuditEntry

    entry = AuditEntry.objects.get(action="notifications.preferences_changed")
    assert entry.data == {"assigned": {"in_app": True, "email": False, "browser": True}}
