"""Settings → Webhooks: create (secret shown once), edit, rotate, test event with the log, allowed ranges."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.security.models import AuditEntry
from helpline.testing.recording_server import recording_server
from helpline.web.tests.conftest import signed_in
from helpline.webhooks import actions
from helpline.webhooks.models import Webhook, WebhookDelivery, WebhookSettings

URL = "/agent/settings/webhooks/"


@pytest.fixture
def admin_client(account, make_agent):
    return signed_in(make_agent(account, "admin@acme.test", role="admin"), account)


def _create(client, **extra):
    data = {"name": "CRM", "url": "https://crm.example.com/in", "kind": "json", "event_types": ["ticket.created"],
            "is_active": "on", **extra}  # fmt: skip
    return client.post(URL + "new/", data)


def test_create_shows_the_secret_once_and_never_again(owner_client, account):
    response = _create(owner_client)
    assert response.status_code == 200
    webhook = Webhook.objects.get(account=account)
    page = response.content.decode()
    assert webhook.secret in page and "data-webhook-secret" in page
    assert response["Cache-Control"] == "no-store"
    assert (webhook.name, webhook.event_types, webhook.is_active) == ("CRM", ["ticket.created"], True)
    for path in (URL, f"{URL}{webhook.public_id}/"):
        assert webhook.secret not in owner_client.get(path).content.decode()
    assert AuditEntry.objects.filter(account=account, action="webhook.created", actor_user=account.owner).count() == 1


def test_bad_input_shows_the_reason_and_creates_nothing(owner_client):
    response = _create(owner_client, url="ftp://x.example.com/")
    assert response.status_code == 422
    assert "The URL must start with https:// or http:// and name a host." in response.content.decode()
    response = _create(owner_client, event_types=[])
    assert response.status_code == 422 and "Choose at least one event." in response.content.decode()
    assert not Webhook.objects.exists()


def test_edit_disable_and_department_filter(owner_client, account):
    from helpline.tenancy.actions import create_department

    sales = create_department(account=account, name="Sales")
    _create(owner_client)
    webhook = Webhook.objects.get()
    response = owner_client.post(
        f"{URL}{webhook.public_id}/",
        {
            "name": "CRM 2",
            "url": webhook.url,
            "event_types": ["ticket.assigned", "ticket.created"],
            "departments": [sales.public_id],
        },  # fmt: skip
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.name, webhook.is_active, webhook.event_types) == (
        "CRM 2",
        False,
        ["ticket.created", "ticket.assigned"],
    )
    assert [d.pk for d in webhook.departments.all()] == [sales.pk]


def test_a_slack_url_is_never_shown_and_kept_when_left_empty(owner_client, account):
    secret_url = "https://hooks.slack.com/services/T1/B2/SECRETTOKEN"
    response = _create(owner_client, kind="slack", url=secret_url, name="#support")
    assert response.status_code == 302  # no signing secret to show
    webhook = Webhook.objects.get()
    page = owner_client.get(f"{URL}{webhook.public_id}/").content.decode()
    assert "SECRETTOKEN" not in page and "https://hooks.slack.com/services/…" in page
    owner_client.post(f"{URL}{webhook.public_id}/", {"name": "#help", "url": "", "event_types": ["ticket.created"]})
    webhook.refresh_from_db()
    assert (webhook.name, webhook.url) == ("#help", secret_url)


def test_rotate_shows_the_new_secret(owner_client, account):
    _create(owner_client)
    webhook = Webhook.objects.get()
    old = webhook.secret
    response = owner_client.post(f"{URL}{webhook.public_id}/rotate/")
    webhook.refresh_from_db()
    assert webhook.secret != old and webhook.secret in response.content.decode()


def test_test_event_reports_the_code_and_the_log_shows_it(owner_client, account):
    with recording_server() as server:
        actions.set_allowed_ranges(account=account, ranges=["127.0.0.0/8"])
        server.answer(404)
        _create(owner_client, url=server.url + "/hook")
        webhook = Webhook.objects.get()
        response = owner_client.post(f"{URL}{webhook.public_id}/test/", follow=True)
        assert len(server.requests) == 1
    page = response.content.decode()
    assert "The test event was not delivered: The endpoint answered 404." in page
    delivery = WebhookDelivery.objects.get()
    assert f'data-delivery="{delivery.public_id}"' in page and "<strong>404</strong>" in page


def test_only_an_owner_or_admin_sets_the_allowed_ranges(owner_client, admin_client, account, make_agent):
    from helpline.tenancy.actions import change_role, create_role
    from helpline.tenancy.models import Membership

    role = create_role(account=account, name="Settings", permission_keys=["settings.manage"])
    custom = make_agent(account, "custom@acme.test")
    change_role(membership=Membership.objects.get(user=custom, account=account), role="custom", custom_role=role)
    custom_client = signed_in(custom, account)
    assert custom_client.get(URL).status_code == 200
    assert custom_client.post(URL + "ranges/", {"allowed_ranges": "10.0.0.0/8"}).status_code == 403
    assert not WebhookSettings.objects.exists()
    response = owner_client.post(URL + "ranges/", {"allowed_ranges": "10.0.0.0/33"})
    assert response.status_code == 422 and "10.0.0.0/33 is not an address range" in response.content.decode()
    assert not WebhookSettings.objects.exists()
    assert admin_client.post(URL + "ranges/", {"allowed_ranges": "10.0.0.0/8\n192.168.5.0/24"}).status_code == 302
    assert WebhookSettings.objects.get(account=account).allowed_ranges == ["10.0.0.0/8", "192.168.5.0/24"]
    assert AuditEntry.objects.filter(account=account, action="webhook.allowed_ranges_changed").count() == 1


def test_agents_without_the_settings_permission_get_403(agent_client):
    assert agent_client.get(URL).status_code == 403
    assert agent_client.post(URL + "new/", {"name": "x"}).status_code == 403


def test_another_account_gets_404_and_nothing_changes(owner_client, account, other_account):
    _create(owner_client)
    webhook = Webhook.objects.get()
    other = signed_in(other_account.owner, other_account)
    base = f"{URL}{webhook.public_id}/"
    assert other.get(base).status_code == 404
    for path in (base, base + "rotate/", base + "test/", base + "delete/"):
        assert (
            other.post(
                path, {"name": "Stolen", "url": "https://evil.example.com/", "event_types": ["ticket.created"]}
            ).status_code
            == 404
        )
    assert webhook.name not in other.get(URL).content.decode()
    after = Webhook.objects.get()
    assert (after.name, after.url, after.secret) == (webhook.name, webhook.url, webhook.secret)
    assert not WebhookDelivery.objects.exists()


def test_delete(owner_client, account):
    _create(owner_client)
    webhook = Webhook.objects.get()
    assert owner_client.post(f"{URL}{webhook.public_id}/delete/").status_code == 302
    assert not Webhook.objects.exists()


def test_the_list_uses_a_fixed_number_of_queries(owner_client, account):
    from helpline.tenancy.actions import create_department

    sales = create_department(account=account, name="Sales")
    actions.create_webhook(account=account, name="A", url="https://a.example.com/", event_types=["ticket.created"])
    owner_client.get(URL)
    with CaptureQueriesContext(connection) as few:
        owner_client.get(URL)
    for n in range(5):
        actions.create_webhook(
            account=account,
            name=f"B{n}",
            url="https://b.example.com/",
            event_types=["ticket.created"],
            departments=[sales],
        )
    with CaptureQueriesContext(connection) as many:
        assert owner_client.get(URL).status_code == 200
    assert len(many) == len(few)
