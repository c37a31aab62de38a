"""Companies: the list (search, create) and a company's page (its contacts and their tickets, edit, delete)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import NotFound
from helpline.people import actions
from helpline.people import selectors as people
from helpline.web.decorators import workspace_view
from helpline.web.views.contacts import WORK, found_or_404
from helpline.web.views.people_records import delete_view, page_or_tickets, saved_or_refused, tickets_of


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
    return saved_or_refused(
        request,
        lambda: actions.create_company(account=request.membership.account, actor=Actor(user=request.user), **values),
        refused=lambda message: _render_list(request, error=message, new_values=values, status=422),
        done=lambda company: _("Company %(name)s created.") % {"name": company.name},
        to=_url,
    )


def _url(company) -> str:
    return reverse("web:company", args=[company.public_id])


def _render_company(request, company, *, error: str = "", status: int = 200):
    account = request.membership.account
    context = {
        "company": company,
        "contacts": people.list_contacts(account, company=company, limit=200),
        "error": error,
        "nav": "contacts",
        "area": "companies",
        **tickets_of(request, company, field="company_id", url_name="web:company"),
    }
    return render(request, "contacts/company.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def company_page(request, public_id):
    company = found_or_404(people.access_company, request.membership.account, public_id)
    return page_or_tickets(request, company, _render_company, field="company_id", url_name="web:company")


@require_POST
@workspace_view(*WORK)
def edit(request, public_id):
    company = found_or_404(people.access_company, request.membership.account, public_id)
    name, domain = request.POST.get("name", "")[:200], request.POST.get("domain", "")[:253]
    return saved_or_refused(
        request,
        lambda: actions.update_company(company=company, name=name, domain=domain, actor=Actor(user=request.user)),
        refused=lambda message: _render_company(request, company, error=message, status=422),
        reload=company, done=_("Company saved."), to=_url(company),
    )  # fmt: skip


delete = delete_view(
    people.access_company,
    lambda company, actor: actions.delete_company(company=company, actor=actor),
    done=lambda company: _("Company %(name)s deleted; its contacts stay.") % {"name": company.name},
    to="web:companies",
)
