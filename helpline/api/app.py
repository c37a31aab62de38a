"""The REST API v1: one NinjaAPI, bearer-key auth on every operation, problem+json errors."""

from __future__ import annotations

from ninja import NinjaAPI

from helpline.api import errors
from helpline.api.auth import ApiKeyAuth
from helpline.api.routers import (
    agents,
    bulk,
    business_hours,
    companies,
    contact_groups,
    contacts,
    custom_fields,
    departments,
    event_rules,
    internal_tickets,
    messages,
    replies,
    saved_filters,
    tags,
    tickets,
    time_rules,
    webhooks,
)
from helpline.assignment import api as auto_assignment
from helpline.notifications import api as notifications_api
from helpline.replacements import api as replacement_rules
from helpline.sla.api import router as sla_api

DESCRIPTION = """
The Helpline REST API. Authenticate with an API key of your account: `Authorization: Bearer <key>`.
Every error is an `application/problem+json` document; invalid input is a 400 with an `errors` list.
Lists are keyset-paginated: pass the `next_cursor` of one page as `cursor` to get the next.
"""


class HelplineAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if int(status) >= 400 and "application/json" in response.get("content", {}):
                        response["content"] = {errors.PROBLEM_CONTENT_TYPE: response["content"]["application/json"]}
        return schema


api = HelplineAPI(
    title="Helpline API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=ApiKeyAuth(),
)
errors.install(api)

for module in (  # bulk first: its /tickets/bulk must match before /tickets/{id}
    bulk, tickets, internal_tickets, messages, contacts, companies, contact_groups, departments, agents, tags,
    replies, custom_fields, saved_filters,
    webhooks, event_rules, time_rules, business_hours, replacement_rules, notifications_api, sla_api, auto_assignment,
):  # fmt: skip
    api.add_router("", module.router)
