"""Schema-driven fuzzing: schemathesis sends generated requests (valid and invalid) to every operation
with a valid key; no response may be a server error, and every response must match the published schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@pytest.fixture
def keep_test_connection():
    """Django's WSGI handler closes the database connection around each request, which would end the test's
    transaction on PostgreSQL; Django's own test client switches this off the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(keep_test_connection, account, api_key, ticket, agent, make_agent, other_account, make_ticket):
    """Rows to hit: generated ids are random, so a share of the ids in paths and bodies become real ones, ours
    or (for tickets) another account's."""
    from helpline.core.actors import Actor
    from helpline.replies.actions import create_canned_message, create_predefined_answer
    from helpline.tenancy.selectors import list_departments

    department = list_departments(account)[0]
    foreign = make_ticket(other_account, subject="Not yours", email="x@globex.test")
    canned = create_canned_message(account=account, name="Hi", body="Hi {{ contact.name }}", actor=Actor(user=agent))
    answer = create_predefined_answer(account=account, name="Done", body="Done.", actor=Actor(user=agent))
    from helpline.webhooks.actions import create_webhook

    hook, _secret = create_webhook(
        account=account, name="Hook", url="http://127.0.0.1:9/", event_types=["ticket.created"]
    )
    from helpline.automation.actions import create_rule

    rule = create_rule(account=account, name="Tag", trigger="ticket_created", conditions={},
                       actions=[{"type": "add_tags", "tags": ["x"]}], actor=Actor(user=agent))  # fmt: skip
    from helpline.automation.actions import create_time_rule

    time_rule = create_time_rule(account=account, name="Late", clock="created", after_minutes=60,
                                 actions=[{"type": "add_tags", "tags": ["late"]}], actor=Actor(user=agent))  # fmt: skip
    from helpline.sla.actions import create_level
    from helpline.sla.actions import create_rule as create_sla_rule

    sla_level = create_level(account=account, name="Gold", targets={"first_response": {"normal": 60}},
                             actor=Actor(user=agent))  # fmt: skip
    sla_rule = create_sla_rule(account=account, name="All", level=sla_level.public_id, actor=Actor(user=agent))
    from helpline.bulk.actions import start_bulk_job
    from helpline.conversations.actions import create_custom_field
    from helpline.people.actions import create_company, create_group

    company = create_company(account=account, name="Initech")
    group = create_group(account=account, name="VIP")
    field = create_custom_field(account=account, applies_to="ticket", key="plan", label="Plan", kind="text")
    job = start_bulk_job(account=account, action="resolve", ticket_ids=[ticket.public_id])
    from helpline.filters.actions import save_filter

    shared_filter = save_filter(account=account, owner=agent, name="Open", values={"status": "open"}, shared=True)
    from helpline.replacements.actions import create_rule as create_replacement_rule

    replacement = create_replacement_rule(account=account, pattern="secret", replacement="[x]")
    return {
        "key": api_key,
        "ids": {
            "tickets": ticket.public_id,
            "contacts": ticket.contact.public_id,
            "departments": department.public_id,
            "agents": agent.public_id,
            "canned-messages": canned.public_id,
            "predefined-answers": answer.public_id,
            "webhooks": hook.public_id,
            "event-rules": rule.public_id,
            "time-rules": time_rule.public_id,
            "companies": company.public_id,
            "contact-groups": group.public_id,
            "custom-fields": field.public_id,
            "bulk-jobs": job.public_id,
            "notifications": "0" * 16,  # the world's key has no agent: every notification call is a 403
            "saved-filters": shared_filter.public_id,
            "sla-levels": sla_level.public_id,
            "sla-rules": sla_rule.public_id,
            "replacement-rules": replacement.public_id,
        },
        "foreign": foreign.public_id,
    }


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case, world):
    foreign = False
    if case.path_parameters and "id" in case.path_parameters:
        collection = case.path.split("/")[3]
        spin = len(str(case.path_parameters["id"])) % 3
        if spin == 0:
            case.path_parameters["id"] = world["ids"][collection]
        elif spin == 1 and collection == "tickets":
            case.path_parameters["id"], foreign = world["foreign"], True
    if isinstance(case.body, dict):
        for field, collection in (("department", "departments"), ("assignee", "agents"), ("owner", "agents")):
            value = case.body.get(field)
            if isinstance(value, str) and len(value) % 2 == 0:
                case.body[field] = world["ids"][collection]

    response = case.call(app=APP, headers={"Authorization": f"Bearer {world['key']}"})

    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, response_schema_conformance])
    if foreign:  # another account's ticket: never readable or writable
        assert response.status_code >= 400, response.text
