"""The rule-book version comes from the cache after the first event; a rule change is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.automation import compiler
from helpline.automation.actions import update_rule
from helpline.core.actors import Actor

pytestmark = pytest.mark.django_db


def _book_queries(queries) -> int:
    return sum("automation_rulebook" in q["sql"] for q in queries.captured_queries)


def test_the_version_is_read_from_the_database_once_then_from_the_cache(account, make_rule):
    rule = make_rule(account, trigger="tag_added")
    with CaptureQueriesContext(connection) as first:
        assert [r.id for r in compiler.rules_for(account.pk, "tag_added").rules] == [rule.pk]
    with CaptureQueriesContext(connection) as second:
        assert [r.id for r in compiler.rules_for(account.pk, "tag_added").rules] == [rule.pk]
    assert (_book_queries(first), _book_queries(second)) == (1, 0)
    assert len(second) == 0

    update_rule(rule=rule, name="Moved", trigger="tag_removed", conditions={}, actions=rule.actions, actor=Actor())

    assert not compiler.rules_for(account.pk, "tag_added")
    assert [r.name for r in compiler.rules_for(account.pk, "tag_removed").rules] == ["Moved"]


def test_an_account_without_rules_costs_no_query_after_the_first_event(account):
    compiler.rules_for(account.pk, "ticket_created")
    with CaptureQueriesContext(connection) as queries:
        assert not compiler.rules_for(account.pk, "ticket_created")
    assert len(queries) == 0


def test_a_committed_change_publishes_the_new_version(account, make_rule, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from helpline.automation.models import RuleBook

    with django_capture_on_commit_callbacks(execute=True):
        make_rule(account)
    assert cache.get(f"automation:rule-book:{account.pk}") == RuleBook.objects.get(account=account).version
