"""The published description: /api/v1/openapi.json, the docs page and the index."""

from __future__ import annotations


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Helpline API"
    assert spec["components"]["securitySchemes"] == {"ApiKeyAuth": {"type": "http", "scheme": "bearer"}}
    assert sorted(spec["paths"]) == [
        "/api/v1/agents", "/api/v1/agents/{id}", "/api/v1/auto-assignment", "/api/v1/bulk-jobs/{id}",
        "/api/v1/canned-messages", "/api/v1/canned-messages/{id}",
        "/api/v1/companies", "/api/v1/companies/{id}", "/api/v1/contact-groups", "/api/v1/contact-groups/{id}",
        "/api/v1/contact-groups/{id}/contacts", "/api/v1/contact-groups/{id}/members",
        "/api/v1/contacts", "/api/v1/contacts/{id}", "/api/v1/contacts/{id}/merge", "/api/v1/contacts/{id}/notes",
        "/api/v1/contacts/{id}/notes/{note_id}", "/api/v1/custom-fields", "/api/v1/custom-fields/reorder",
        "/api/v1/custom-fields/{id}",
        "/api/v1/departments", "/api/v1/departments/{id}", "/api/v1/departments/{id}/auto-assignment",
        "/api/v1/departments/{id}/holidays", "/api/v1/departments/{id}/holidays/{holiday_id}",
        "/api/v1/departments/{id}/hours",
        "/api/v1/event-rule-executions", "/api/v1/event-rules", "/api/v1/event-rules/reorder",
        "/api/v1/event-rules/{id}", "/api/v1/event-rules/{id}/test", "/api/v1/internal-tickets",
        "/api/v1/notifications", "/api/v1/notifications/read-all", "/api/v1/notifications/{id}/read",
        "/api/v1/predefined-answers", "/api/v1/predefined-answers/{id}",
        "/api/v1/replacement-rules", "/api/v1/replacement-rules/reorder", "/api/v1/replacement-rules/{id}",
        "/api/v1/saved-filters", "/api/v1/saved-filters/{id}", "/api/v1/saved-filters/{id}/count",
        "/api/v1/sla-levels", "/api/v1/sla-levels/{id}",
        "/api/v1/sla-rules", "/api/v1/sla-rules/reorder", "/api/v1/sla-rules/{id}", "/api/v1/tags", "/api/v1/tickets",
        "/api/v1/tickets/bulk", "/api/v1/tickets/{id}", "/api/v1/tickets/{id}/merge", "/api/v1/tickets/{id}/messages",
        "/api/v1/tickets/{id}/sla",
        "/api/v1/tickets/{id}/split",
        "/api/v1/time-rules", "/api/v1/time-rules/reorder", "/api/v1/time-rules/{id}", "/api/v1/time-rules/{id}/test",
        "/api/v1/webhooks", "/api/v1/webhooks/{id}", "/api/v1/webhooks/{id}/deliveries",
        "/api/v1/webhooks/{id}/rotate-secret", "/api/v1/webhooks/{id}/test",
    ]  # fmt: skip
    for methods in spec["paths"].values():
        for operation in methods.values():
            assert operation["security"] == [{"ApiKeyAuth": []}]
            assert list(operation["responses"]["401"]["content"]) == ["application/problem+json"]
    ticket = spec["components"]["schemas"]["TicketOut"]["properties"]
    assert {"id", "code", "subject", "status", "priority", "channel", "department", "assignee", "tags", "contact",
            "created_at", "updated_at"} <= set(ticket)  # fmt: skip


def test_operation_ids_are_the_view_names(client):
    spec = client.get("/api/v1/openapi.json").json()

    ids = sorted(op["operationId"] for methods in spec["paths"].values() for op in methods.values())
    assert ids == sorted([
        "list_tickets", "create_ticket", "get_ticket", "update_ticket", "list_ticket_messages",
        "create_ticket_message", "list_contacts", "create_contact", "get_contact", "update_contact",
        "merge_contacts", "list_contact_notes", "add_contact_note", "delete_contact_note",
        "list_companies", "create_company", "get_company", "update_company", "delete_company",
        "list_contact_groups", "create_contact_group", "get_contact_group", "update_contact_group",
        "delete_contact_group", "list_contact_group_members", "set_contact_group_members", "create_internal_ticket",
        "list_departments", "create_department", "get_department", "list_agents", "get_agent", "list_tags",
        "create_tag", "list_canned_messages", "create_canned_message", "get_canned_message",
        "update_canned_message", "delete_canned_message", "list_predefined_answers", "create_predefined_answer",
        "get_predefined_answer", "update_predefined_answer", "delete_predefined_answer", "split_ticket",
        "merge_tickets", "start_bulk", "get_bulk_job", "list_custom_fields", "create_custom_field",
        "get_custom_field", "update_custom_field", "delete_custom_field", "reorder_custom_fields",
        "list_saved_filters", "create_saved_filter", "get_saved_filter", "count_saved_filter", "update_saved_filter",
        "delete_saved_filter",
        "get_department_hours", "set_department_hours", "add_department_holiday", "remove_department_holiday",
        "list_webhooks", "create_webhook", "get_webhook", "update_webhook", "delete_webhook",
        "rotate_webhook_secret", "send_webhook_test", "list_webhook_deliveries",
        "list_event_rules", "create_event_rule", "reorder_event_rules", "get_event_rule", "update_event_rule",
        "delete_event_rule", "test_event_rule", "list_rule_executions",
        "list_time_rules", "create_time_rule", "reorder_time_rules", "get_time_rule", "update_time_rule",
        "delete_time_rule", "test_time_rule",
        "list_notifications", "mark_all_notifications_read", "mark_notification_read",
        "list_sla_levels", "create_sla_level", "get_sla_level", "update_sla_level", "delete_sla_level",
        "list_sla_rules", "create_sla_rule", "reorder_sla_rules", "get_sla_rule", "update_sla_rule",
        "delete_sla_rule", "get_ticket_sla", "set_ticket_sla",
        "list_replacement_rules", "create_replacement_rule", "reorder_replacement_rules", "get_replacement_rule",
        "update_replacement_rule", "delete_replacement_rule",
        "get_default_assignment", "set_default_assignment", "set_department_assignment",
    ])  # fmt: skip


def test_docs_page(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content


def test_index(client):
    response = client.get("/api/v1/")

    assert response.json() == {
        "name": "Helpline API", "version": "1", "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs"
    }  # fmt: skip
