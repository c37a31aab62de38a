"""Account settings and the plan page."""

from __future__ import annotations

import pytest

from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import signed_in


def test_owner_updates_name_timezone_and_locale(owner_client, account, owner):
    response = owner_client.post(
        "/agent/settings/account/", {"name": "Acme Corp", "timezone": "Europe/Berlin", "locale": "de"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/agent/settings/account/"
    account.refresh_from_db()
    assert (account.name, account.timezone, account.locale) == ("Acme Corp", "Europe/Berlin", "de")
    row = AuditEntry.objects.filter(action="account.updated").get()
    assert (row.actor_user_id, row.data) == (
        owner.pk,
        {"name": "Acme Corp", "timezone": "Europe/Berlin", "locale": "de"},
    )
    assert "Account settings saved." in owner_client.get("/agent/settings/account/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Acme", "timezone": "Mars/Olympus", "locale": "en"}, "Unknown time zone."),
        ({"name": "", "timezone": "UTC", "locale": "en"}, "The account needs a name."),
        ({"name": "Acme", "timezone": "UTC", "locale": "xx"}, "Choose one of the listed languages."),
    ],
)
def test_bad_account_settings_are_refused_and_nothing_changes(owner_client, account, data, message):
    before = (account.name, account.timezone, account.locale, AuditEntry.objects.count())
    response = owner_client.post("/agent/settings/account/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    account.refresh_from_db()
    assert (account.name, account.timezone, account.locale, AuditEntry.objects.count()) == before


def test_times_show_in_the_accounts_time_zone(owner_client, account, ticket):
    import zoneinfo

    from django.utils import timezone
    from django.utils.formats import date_format

    from helpline.tenancy.actions import update_account

    update_account(account=account, timezone="Asia/Tokyo")
    tokyo = timezone.localtime(ticket.created_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    body = owner_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert f"opened {date_format(tokyo, 'DATETIME_FORMAT')}" in body


def test_the_plan_page_shows_usage_against_each_limit(make_account, make_agent):
    small = make_account("tiny", plan="free")
    client = signed_in(small.owner, small)
    response = client.get("/agent/settings/plan/")
    assert response.status_code == 200
    usage = {row["key"]: (row["used"], row["limit"], row["full"]) for row in response.context["usage"]}
    assert usage["agents"] == (1, 1, True)
    assert usage["departments"] == (1, 1, True)
    assert usage["api_keys"] == (0, 1, False)
    assert usage["custom_roles"] == (0, 0, True)
    assert usage["mailboxes"] == (0, 1, False)
    body = response.content.decode()
    assert "Free plan" in body
    assert 'data-usage="agents"' in body
