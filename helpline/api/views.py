"""Plain Django views around the ninja API: so that a wrong path or method also gets a problem document."""

from __future__ import annotations

from functools import wraps

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from helpline.api.errors import problem


@csrf_exempt
def not_found(request, *args, **kwargs):
    return problem(404, _("There is nothing at this address."))


def problem_for_not_allowed(view):
    """ninja answers a known path with an unknown method with a plain-text 405; make it a problem document."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/problem"):
            allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip()))
            response = problem(405, _("Use one of these methods: %(methods)s.") % {"methods": allowed})
            response["Allow"] = allowed
        return response

    return wrapper


def index(request, *args, **kwargs):
    """GET /api/v1/: where the machine-readable description and the docs are."""
    if request.method != "GET":
        return problem(405, _("Use one of these methods: %(methods)s.") % {"methods": "GET"})
    return JsonResponse(
        {
            "name": "Helpline API",
            "version": "1",
            "openapi": reverse("api:openapi-json"),
            "docs": reverse("api:openapi-view"),
        }
    )
