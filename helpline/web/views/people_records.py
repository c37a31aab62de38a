"""What the contact, company and group pages share: a record's page or its tickets tab, and a form post that
either saves (a flash message and a redirect) or shows the page again with the reason (422)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from helpline.conversations.selectors import TicketFilter, list_ticket_summaries
from helpline.conversations.statuses import Status
from helpline.conversations.visibility import restricted_user_id
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view
from helpline.web.htmx import targets

WORK = (permissions.WORK_TICKETS,)
TICKETS_ID = "contact-tickets"


def found_or_404(fetch, *args):
    try:
        return fetch(*args)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def ticket_filter(request, **kwargs) -> TicketFilter:
    status = request.GET.get("status", "")
    return TicketFilter(
        status=status if status in Status.values else "", viewer=restricted_user_id(request.membership), **kwargs
    )


def tickets_of(request, record, *, field: str, url_name: str) -> dict:
    """A keyset page of the record's tickets (newest activity first, as the inbox rows show them); ``field``:
    the TicketFilter field naming the record (contact_id, company_id)."""
    f = ticket_filter(request, **{field: record.pk})
    cursor = request.GET.get("cursor", "") or None
    try:
        tickets, next_cursor = list_ticket_summaries(request.membership.account, f, cursor=cursor)
    except DomainError:
        tickets, next_cursor = list_ticket_summaries(request.membership.account, f)
    base = reverse(url_name, args=[record.public_id])
    status = f"status={f.status}&" if f.status else ""
    return {
        "tickets": tickets,
        "tickets_older_url": f"{base}?{status}cursor={next_cursor}" if next_cursor else "",
        "ticket_status": f.status,
    }


def page_or_tickets(request, record, render_page: Callable, *, field: str, url_name: str):
    """The record's whole page, or only its tickets tab when htmx asks for that part."""
    if targets(request, TICKETS_ID):
        return render(request, "contacts/_tickets.html", tickets_of(request, record, field=field, url_name=url_name))
    return render_page(request, record)


def saved_or_refused(
    request, change: Callable, *, refused: Callable, done: Callable | str, to: Callable | str, reload=None
):
    """Run ``change()`` (an action); on a DomainError answer ``refused(message)`` (after reading ``reload``, the
    record changed, back from the database), else flash ``done`` (text, or text from the result) and redirect to
    ``to`` (a URL, or a URL from the result)."""
    try:
        result = change()
    except DomainError as exc:
        if reload is not None:
            reload.refresh_from_db()
        return refused(exc.message)
    messages.success(request, done(result) if callable(done) else done)
    return redirect(to(result) if callable(to) else to)


def delete_view(access: Callable, delete: Callable, *, done: Callable, to: str):
    """A view deleting the record ``access(account, public_id)`` finds with ``delete(record, actor)``, then
    flashing ``done(record)`` and going to the list named ``to``."""

    @require_POST
    @workspace_view(*WORK)
    def view(request, public_id):
        record = found_or_404(access, request.membership.account, public_id)
        delete(record, Actor(user=request.user))
        messages.success(request, done(record))
        return redirect(to)

    return view
