"""Settings → Search and replace: add, change, move, delete; form errors; permissions; other accounts; queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.replacements import actions
from helpline.replacements.models import ReplacementRule
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import signed_in

URL = "/agent/settings/replacements/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(owner, account):
    return signed_in(owner, account)


def test_the_owner_adds_a_rule(owner_client, account):
    data = {"name": "Cards", "pattern": r"\d{16}", "replacement": "[card]", "is_regex": "on", "in_body": "on",
            "enabled": "on", "channels": ["email", "chat"]}  # fmt: skip
    response = owner_client.post(URL + "new/", data)
    assert (response.status_code, response["Location"]) == (302, URL)
    rule = ReplacementRule.objects.get(account=account)
    assert (rule.name, rule.pattern, rule.is_regex, rule.in_subject, rule.in_body, rule.channels) == (
        "Cards",
        r"\d{16}",
        True,
        False,
        True,
        ["email", "chat"],
    )
    page = owner_client.get(URL).content.decode()
    assert "Cards" in page and r"\d{16}" in page and "[card]" in page


def test_a_bad_regex_shows_a_form_error_and_keeps_the_values(owner_client, account):
    response = owner_client.post(URL + "new/", {"pattern": "([a-z", "is_regex": "on", "in_body": "on"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "This is not a valid regular expression: unterminated character set at position 5." in page
    assert 'value="([a-z"' in page
    assert not ReplacementRule.objects.filter(account=account).exists()


def test_change_move_and_delete(owner_client, account):
    first = actions.create_rule(account=account, pattern="one")
    second = actions.create_rule(account=account, pattern="two")
    assert owner_client.get(URL + f"{first.public_id}/").status_code == 200
    response = owner_client.post(URL + f"{first.public_id}/", {"pattern": "uno", "replacement": "1", "in_body": "on"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.pattern, first.replacement, first.enabled, first.in_subject) == ("uno", "1", False, False)
    owner_client.post(URL + f"{second.public_id}/move/", {"direction": "up"})
    assert list(ReplacementRule.objects.filter(account=account).values_list("pattern", flat=True)) == ["two", "uno"]
    owner_client.post(URL + f"{second.public_id}/delete/")
    assert list(ReplacementRule.objects.filter(account=account).values_list("pattern", flat=True)) == ["uno"]
    assert AuditEntry.objects.filter(account=account, action="replacement_rule.deleted").count() == 1


def test_an_agent_gets_403_and_changes_nothing(agent, account):
    client = signed_in(agent, account)
    assert client.get(URL).status_code == 403
    assert client.post(URL + "new/", {"pattern": "x", "in_body": "on"}).status_code == 403
    assert not ReplacementRule.objects.exists()


def test_another_accounts_rules_are_not_found_nor_shown(owner_client, other_account):
    theirs = actions.create_rule(account=other_account, pattern="their-secret-pattern")
    assert "their-secret-pattern" not in owner_client.get(URL).content.decode()
    assert owner_client.get(URL + f"{theirs.public_id}/").status_code == 404
    assert owner_client.post(URL + f"{theirs.public_id}/", {"pattern": "x", "in_body": "on"}).status_code == 404
    assert owner_client.post(URL + f"{theirs.public_id}/delete/").status_code == 404
    assert owner_client.post(URL + f"{theirs.public_id}/move/", {"direction": "up"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.pattern == "their-secret-pattern"


def test_the_page_takes_a_fixed_number_of_queries(owner_client, account):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(URL).status_code == 200
        return len(queries)

    actions.create_rule(account=account, pattern="a")
    count()  # warm: the first request of a key or session may record its use
    few = count()
    for n in range(10):
        actions.create_rule(account=account, pattern=f"p{n}")
    assert count() == few
