"""Every API error is an RFC 9457 problem document served as ``application/problem+json``.

``{"type", "title", "status", "detail", "code"}`` plus ``"errors"`` (one entry per bad field) for invalid input.
Invalid input is always 400, never 422: the API has one status for "fix your request".
"""

from __future__ import annotations

import json
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from helpline.core.errors import DomainError

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldError(DomainError):
    """A value that parsed but names something that does not exist, e.g. an unknown department id."""

    code = "invalid"

    def __init__(self, field: str, message, *, location: str = "body"):
        super().__init__(message)
        self.field = field
        self.location = location


def _titles() -> dict[int, str]:
    return {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        402: _("Plan limit reached"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request too large"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


_CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 429: "throttled", 500: "server_error"}  # fmt: skip


def problem(status: int, detail: str, *, code: str | None = None, errors: list[dict] | None = None) -> HttpResponse:
    code = code or _CODES.get(status, "error")
    body = {
        "type": f"urn:helpline:problem:{code}",
        "title": _titles().get(status, _("Error")),
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="helpline"'
    return response


def _field_message(error: dict) -> str:
    """A translatable message for the common pydantic error types; pydantic's own text otherwise."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("This field is required."),
        "extra_forbidden": _("Unknown field."),
        "string_type": _("Must be a string."),
        "int_type": _("Must be an integer."),
        "int_parsing": _("Must be an integer."),
        "list_type": _("Must be a list."),
        "model_type": _("Must be an object."),
        "model_attributes_type": _("Must be an object."),
        "dict_type": _("Must be an object."),
        "bool_type": _("Must be true or false."),
        "bool_parsing": _("Must be true or false."),
        "json_invalid": _("The body is not valid JSON."),
    }
    if kind in messages:
        return messages[kind]
    if kind == "string_too_long":
        return _("Use at most %(n)d characters.") % {"n": ctx.get("max_length", 0)}
    if kind == "string_too_short":
        return _("Use at least %(n)d characters.") % {"n": ctx.get("min_length", 0)}
    if kind == "too_long":
        return _("Give at most %(n)d items.") % {"n": ctx.get("max_length", 0)}
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        if kind == "greater_than_equal":
            return _("Must be at least %(n)s.") % {"n": bound}
        return _("Must be at most %(n)s.") % {"n": bound}
    if kind == "literal_error":
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "string_pattern_mismatch":
        return _("Has an invalid format.")
    return str(error.get("msg", _("Invalid value.")))


def _field_name(loc: tuple) -> tuple[str, str]:
    """ninja's loc is (source, *path); for a body, path starts with the view's parameter name, which is noise."""
    source, *rest = loc or ("body",)
    if source == "body":
        rest = rest[1:]
    return source, ".".join(str(part) for part in rest)


def validation_errors(errors: list[dict]) -> list[dict]:
    result = []
    for error in errors:
        source, field = _field_name(tuple(error.get("loc", ())))
        result.append(
            {"field": field, "in": source, "message": _field_message(error), "code": error.get("type", "invalid")}
        )
    return result


def on_validation_error(request, exc: ValidationError) -> HttpResponse:
    errors = validation_errors(exc.errors)
    first = errors[0] if errors else {"field": "", "message": _("Invalid value.")}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    if len(errors) > 1:
        detail += " " + _("(and %(n)d more problems)") % {"n": len(errors) - 1}
    return problem(400, detail, code="validation", errors=errors)


def on_authentication_error(request, exc: AuthenticationError) -> HttpResponse:
    if request.headers.get("Authorization"):
        detail = _("The API key is not valid or has been revoked.")
    else:
        detail = _("Send an API key in the Authorization header: 'Authorization: Bearer <key>'.")
    return problem(401, detail)


def on_http_error(request, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return problem(400, _("The request body is not valid JSON."), code="malformed")
    return problem(exc.status_code, _titles().get(exc.status_code, _("Error")))


def on_domain_error(request, exc: DomainError) -> HttpResponse:
    errors = None
    if isinstance(exc, FieldError):
        errors = [{"field": exc.field, "in": exc.location, "message": str(exc.message), "code": exc.code}]
    return problem(exc.status, exc.message, code=exc.code, errors=errors)


def on_not_found(request, exc: Http404) -> HttpResponse:
    return problem(404, _("There is nothing at this address."))


def on_too_big(request, exc: RequestDataTooBig) -> HttpResponse:
    return problem(413, _("The request body is too large."))


def on_unexpected(request, exc: Exception) -> HttpResponse:
    log.exception("unexpected error in API %s %s", request.method, request.path)
    return problem(500, _("Something went wrong on our side. It has been logged; please try again later."))


def install(api) -> None:
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(Exception, on_unexpected)
