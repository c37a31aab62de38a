"""Settings → SLA levels / SLA rules, the ticket's SLA card and the inbox countdown."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.security.models import AuditEntry
from helpline.sla.models import SlaLevel, SlaRule
from helpline.sla.tests.conftest import utc


def _count(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_create_and_edit_a_level_in_settings(owner_client, account, make_calendar):
    calendar = make_calendar(account)
    form = {"name": "Gold", "calendar": calendar.public_id, "t-first_response-normal": "60",
            "t-first_response-urgent": "15", "t-resolution-normal": "480", "warning_kind": "minutes",
            "warning_value": "10"}  # fmt: skip
    response = owner_client.post("/agent/settings/sla-levels/new/", form)
    level = SlaLevel.objects.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == f"/agent/settings/sla-levels/{level.public_id}/"
    assert (level.name, level.calendar, level.warning_value) == ("Gold", calendar, 10)
    assert level.targets == {"first_response": {"normal": 60, "urgent": 15}, "resolution": {"normal": 480}}

    page = owner_client.get("/agent/settings/sla-levels/").content.decode()
    assert f'data-sla-level="{level.public_id}"' in page and "Gold" in page
    edit = owner_client.get(f"/agent/settings/sla-levels/{level.public_id}/").content.decode()
    assert 'name="t-first_response-urgent" value="15"' in edit

    bad = owner_client.post(f"/agent/settings/sla-levels/{level.public_id}/", {**form, "t-resolution-normal": "x"})
    assert bad.status_code == 422
    assert "Must be a whole number of minutes." in bad.content.decode()
    level.refresh_from_db()
    assert level.targets["resolution"] == {"normal": 480}
    assert AuditEntry.objects.filter(subject_id=level.public_id).count() == 1


def test_create_a_rule_in_settings(owner_client, account, make_level):
    level = make_level(account)
    conditions = {"match": "all", "groups": [{"match": "all", "conditions": [
        {"field": "ticket.priority", "op": "eq", "value": "urgent"}]}]}  # fmt: skip
    response = owner_client.post("/agent/settings/sla-rules/new/", {"name": "Urgent", "level": level.public_id,
                                 "enabled": "on", "conditions": json.dumps(conditions)})  # fmt: skip
    rule = SlaRule.objects.get(account=account)
    assert response.status_code == 302
    assert (rule.name, rule.level, rule.conditions) == ("Urgent", level, conditions)
    page = owner_client.get(f"/agent/settings/sla-rules/{rule.public_id}/").content.decode()
    assert 'id="rule-catalog"' in page and "data-conditions" in page

    bad = owner_client.post("/agent/settings/sla-rules/new/", {"name": "X", "level": "nope", "conditions": "{}"})
    assert bad.status_code == 422
    assert SlaRule.objects.count() == 1


def test_another_accounts_sla_pages_are_not_found(other_owner_client, account, make_level, make_sla_rule):
    level = make_level(account)
    rule = make_sla_rule(account, level)
    for url in (f"/agent/settings/sla-levels/{level.public_id}/", f"/agent/settings/sla-rules/{rule.public_id}/"):
        assert other_owner_client.get(url).status_code == 404
        assert other_owner_client.post(url, {"name": "Mine"}).status_code == 404
    assert other_owner_client.post(f"/agent/settings/sla-levels/{level.public_id}/delete/").status_code == 404
    assert other_owner_client.post(f"/agent/settings/sla-rules/{rule.public_id}/delete/").status_code == 404
    assert "Gold" not in other_owner_client.get("/agent/settings/sla-levels/").content.decode()
    assert SlaLevel.objects.get(pk=level.pk).name == "Gold"
    assert SlaRule.objects.filter(pk=rule.pk).exists()


def test_agents_without_settings_rights_get_403(account, agent):
    from helpline.web.tests.conftest import signed_in

    client = signed_in(agent, account)
    assert client.get("/agent/settings/sla-levels/").status_code == 403
    assert client.post("/agent/settings/sla-levels/new/", {"name": "X"}).status_code == 403
    assert SlaLevel.objects.count() == 0


def test_the_settings_lists_cost_the_same_queries_for_1_and_8_rows(owner_client, account, make_level, make_sla_rule):
    level = make_level(account, name="L0")
    make_sla_rule(account, level, name="R0")
    levels, rules = (
        _count(owner_client, "/agent/settings/sla-levels/"),
        _count(owner_client, "/agent/settings/sla-rules/"),
    )
    for i in range(1, 8):
        make_sla_rule(account, make_level(account, name=f"L{i}"), name=f"R{i}")
    assert _count(owner_client, "/agent/settings/sla-levels/") == levels
    assert _count(owner_client, "/agent/settings/sla-rules/") == rules


def test_the_ticket_card_shows_each_target(owner_client, other_owner_client, account, make_level, make_sla_rule,
                                           make_ticket, run, clock):  # fmt: skip
    make_sla_rule(account, make_level(account))
    ticket = run(make_ticket, account)
    card = owner_client.get(f"/agent/tickets/{ticket.public_id}/sla/").content.decode()
    assert 'data-sla-target="first_response" data-sla-state="running"' in card
    assert 'data-sla-due="2026-03-02T09:00:00+00:00"' in card
    assert 'data-sla-target="resolution" data-sla-state="running"' in card
    assert "data-sla-level-name>Gold<" in card
    page = owner_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert f'hx-get="/agent/tickets/{ticket.public_id}/sla/"' in page
    assert "sla/countdown.js" in page and 'data-due-in="Due in %s"' in page

    assert other_owner_client.get(f"/agent/tickets/{ticket.public_id}/sla/").status_code == 404


def test_the_card_shows_a_paused_clock(owner_client, owner, account, make_level, make_sla_rule, make_ticket, run,
                                       clock):  # fmt: skip
    from helpline.conversations.actions import send_reply

    make_sla_rule(account, make_level(account))
    ticket = run(make_ticket, account)
    clock.set(utc(2026, 3, 2, 8, 30))
    run(send_reply, ticket=ticket, author=owner, text="Answer")
    card = owner_client.get(f"/agent/tickets/{ticket.public_id}/sla/").content.decode()
    assert 'data-sla-target="resolution" data-sla-state="paused"' in card
    assert "Paused, 450 minutes left" in card
    assert 'data-sla-target="first_response" data-sla-state="done"' in card and "Met" in card


def test_inbox_rows_carry_the_countdown_at_no_extra_query(owner_client, account, make_level, make_sla_rule,
                                                         make_ticket, run, clock):  # fmt: skip
    for i in range(3):
        run(make_ticket, account, email=f"a{i}@example.com")
    without = _count(owner_client, "/agent/")
    make_sla_rule(account, make_level(account))
    for i in range(12):
        run(make_ticket, account, email=f"b{i}@example.com")
    page = owner_client.get("/agent/").content.decode()
    assert page.count('data-sla-due="2026-03-02T09:00:00+00:00"') == 12
    assert "sla/countdown.js" in page
    assert _count(owner_client, "/agent/") == without
