"""Companies: the list (search, create) and a company's page (its contacts and their tickets, edit, delete)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.people import actions
from helpline.people import selectors as people
from helpline.web.decorators import workspace_view
from helpline.web.htmx import targets
from helpline.web.views.contacts import TICKETS_ID, WORK, _tickets, found_or_404, ticket_filter


def _render_list(request, *, error: str = "", new_values=None, status: int = 200):
    account = request.membership.account
    q = request.GET.get("q", "").strip()[:200]
    after = None
    if request.GET.get("after"):
        try:
            after = people.access_company(account, request.GET["after"][:16])
        except NotFound:
            after = None
    page = people.list_companies(account, q=q, after=after, limit=people.PAGE_SIZE + 1)
    rows = page[: people.PAGE_SIZE]
    base = reverse("web:companies")
    query = f"q={q}&" if q else ""
    context = {
        "companies": rows,
        "q": q,
        "older_url": f"{base}?{query}after={rows[-1].public_id}" if len(page) > people.PAGE_SIZE else "",
        "newest_url": f"{base}?{query}".rstrip("?&") if after else "",
        "error": error,
        "new_values": new_values or {"name": "", "domain": ""},
        "nav": "contacts",
        "area": "companies",
    }
    return render(request, "contacts/companies.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def companies(request):
    return _render_list(request)


@require_POST
@workspace_view(*WORK)
def create(request):
    values = {"name": request.POST.get("name", "")[:200], "domain": request.POST.get("domain", "")[:253]}
    try:
        company = actions.create_company(account=request.membership.account, actor=Actor(user=request.user), **values)
    except DomainError as exc:
        return _render_list(request, error=exc.message, new_values=values, status=422)
    messages.success(request, _("Company %(name)s created.") % {"name": company.name})
    return redirect("web:company", company.public_id)


def _render_company(request, company, *, error: str = "", status: int = 200):
    account = request.membership.account
    f = ticket_filter(request, company_id=company.pk)
    context = {
        "company": company,
        "contacts": people.list_contacts(account, company=company, limit=200),
        "error": error,
        "nav": "contacts",
        "area": "companies",
        **_tickets(request, f, "web:company", company.public_id),
    }
    return render(request, "contacts/company.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def company_page(request, public_id):
    company = found_or_404(people.access_company, request.membership.account, public_id)
    if targets(request, TICKETS_ID):
        f = ticket_filter(request, company_id=company.pk)
        return render(request, "contacts/_tickets.html", _tickets(request, f, "web:company", company.public_id))
    return _render_company(request, company)


@require_POST
@workspace_view(*WORK)
def edit(request, public_id):
    company = found_or_404(people.access_company, request.membership.account, public_id)
    try:
        actions.update_company(
            company=company,
            name=request.POST.get("name", "")[:200],
            domain=request.POST.get("domain", "")[:253],
            actor=Actor(user=request.user),
        )
    except DomainError as exc:
        company.refresh_from_db()
        return _render_company(request, company, error=exc.message, status=422)
    messages.success(request, _("Company saved."))
    return redirect("web:company", company.public_id)


@require_POST
@workspace_view(*WORK)
def delete(request, public_id):
    company = found_or_404(people.access_company, request.membership.account, public_id)
    actions.delete_company(company=company, actor=Actor(user=request.user))
    messages.success(request, _("Company %(name)s deleted; its contacts stay.") % {"name": company.name})
    return redirect("web:companies")
