"""The published description: /api/v1/openapi.json, the docs page and the index."""

from __future__ import annotations


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Helpline API"
    assert spec["components"]["securitySchemes"] == {"ApiKeyAuth": {"type": "http", "scheme": "bearer"}}
    assert sorted(spec["paths"]) == [
        "/api/v1/agents", "/api/v1/agents/{id}", "/api/v1/canned-messages", "/api/v1/canned-messages/{id}",
        "/api/v1/contacts", "/api/v1/contacts/{id}", "/api/v1/departments", "/api/v1/departments/{id}",
        "/api/v1/predefined-answers", "/api/v1/predefined-answers/{id}", "/api/v1/tags", "/api/v1/tickets",
        "/api/v1/tickets/{id}", "/api/v1/tickets/{id}/messages", "/api/v1/tickets/{id}/split",
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
        "list_departments", "create_department", "get_department", "list_agents", "get_agent", "list_tags",
        "create_tag", "list_canned_messages", "create_canned_message", "get_canned_message",
        "update_canned_message", "delete_canned_message", "list_predefined_answers", "create_predefined_answer",
        "get_predefined_answer", "update_predefined_answer", "delete_predefined_answer", "split_ticket",
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
