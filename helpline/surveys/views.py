"""The public survey page: no login; the signed token in the URL is the only key. Works without JavaScript.

GET shows the question (a ``?value=good|bad`` link from the mail preselects an answer but stores nothing: mail
scanners open links); POST (CSRF-protected) stores the answer. A bad token is a 404, an expired one a 410.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from helpline.core.errors import DomainError
from helpline.surveys import tokens
from helpline.surveys.actions import record_rating
from helpline.surveys.models import Rating
from helpline.surveys.selectors import rating_of, ticket_for_token


def _dead_link(request, status: int):
    return render(request, "surveys/invalid.html", {"expired": status == 410}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    try:
        ticket = ticket_for_token(tokens.read_token(token))
    except tokens.Expired:
        return _dead_link(request, 410)
    except tokens.Invalid:
        ticket = None
    if ticket is None:
        return _dead_link(request, 404)
    with translation.override(request.LANGUAGE_CODE or ticket.account.locale or "en"):
        rating = rating_of(ticket)
        value = request.POST.get("value", "") if request.method == "POST" else request.GET.get("value", "")
        comment = request.POST.get("comment", "") if request.method == "POST" else ""
        error, saved = "", False
        if request.method == "POST":
            try:
                rating, _created = record_rating(ticket=ticket, value=value, comment=comment)
                saved = True
            except DomainError as exc:
                error = exc.message
        context = {
            "ticket": ticket,
            "brand_name": ticket.brand.name if ticket.brand_id else ticket.account.name,
            "rating": rating,
            "value": rating.value if rating else (value if value in (Rating.GOOD, Rating.BAD) else ""),
            "comment": comment if error else (rating.comment if rating else ""),
            "error": error,
            "saved": saved,
        }
        return render(request, "surveys/survey.html", context, status=400 if error else 200)
