"""Contacts: the list (search, company, group), a contact's page, edit, private notes, merge, the side panel card."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpline.conversations.statuses import Status
from helpline.core.actors import Actor
from helpline.core.errors import DomainError, NotFound
from helpline.people import actions
from helpline.people import selectors as people
from helpline.web.decorators import workspace_view
from helpline.web.htmx import targets
from helpline.web.views.people_records import WORK, found_or_404, page_or_tickets, saved_or_refused, tickets_of

__all__ = ["WORK", "found_or_404"]  # other contact views import them from here
LIST_ID = "contact-list"


class ContactListQuery:
    """The list's filters from the query string: search, company and group (public ids)."""

    def __init__(self, request):
        account = request.membership.account
        self.q = request.GET.get("q", "").strip()[:200]
        self.company = self._pick(people.access_company, account, request.GET.get("company", ""))
        self.group = self._pick(people.access_group, account, request.GET.get("group", ""))
        # The page starts after this contact (its public id); an unknown one starts from the top.
        self.after = people.contact_pk(account, request.GET.get("after", "")[:16])

    @staticmethod
    def _pick(fetch, account, public_id):
        if not public_id:
            return None
        try:
            return fetch(account, public_id[:16])
        except NotFound:
            raise Http404(_("No such company or group.")) from None

    @property
    def values(self) -> dict:
        return {
            "q": self.q,
            "company": self.company.public_id if self.company else "",
            "group": self.group.public_id if self.group else "",
        }

    def url(self, name: str, **extra) -> str:
        query = QueryDict(mutable=True)
        for key, value in {**self.values, **extra}.items():
            if value:
                query[key] = value
        return f"{reverse(name)}?{query.urlencode()}" if query else reverse(name)


@require_GET
@workspace_view(*WORK)
def contacts(request):
    account = request.membership.account
    query = ContactListQuery(request)
    page = people.list_contacts(
        account, q=query.q, company=query.company, group=query.group, after_id=query.after, limit=people.PAGE_SIZE + 1
    )
    rows = page[: people.PAGE_SIZE]
    context = {
        "contacts": rows,
        "values": query.values,
        "older_url": query.url("web:contacts", after=rows[-1].public_id) if len(page) > people.PAGE_SIZE else "",
        "newest_url": query.url("web:contacts") if query.after else "",
        "export_url": query.url("web:contacts-export"),
        "filtered": any(query.values.values()),
        "nav": "contacts",
        "area": "contacts",
    }
    if targets(request, LIST_ID):
        return render(request, "contacts/_contact_list.html", context)
    context["company_choices"] = people.list_company_choices(account)
    context["group_choices"] = people.list_group_choices(account)
    return render(request, "contacts/contacts.html", context)


def render_contact(request, contact, *, error: str = "", error_for: str = "", status: int = 200):
    account = request.membership.account
    context = {
        "contact": contact,
        "identities": list(contact.identities.order_by("kind", "value")),
        "contact_groups": people.groups_of(contact),
        "field_values": people.contact_field_values(contact),
        "notes": people.list_notes(contact),
        "company_choices": people.list_company_choices(account),
        "group_choices": people.list_group_choices(account),
        "error": error,
        "error_for": error_for,
        "nav": "contacts",
        "area": "contacts",
        "ticket_statuses": [(s.value, s.label) for s in Status],
        "addable_kinds": actions.ADDABLE_KINDS,
        **tickets_of(request, contact, field="contact_id", url_name="web:contact"),
    }
    return render(request, "contacts/contact.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def contact_page(request, public_id):
    contact = found_or_404(people.access_contact, request.membership.account, public_id)
    return page_or_tickets(request, contact, render_contact, field="contact_id", url_name="web:contact")


@require_POST
@workspace_view(*WORK)
def edit_contact(request, public_id):
    account = request.membership.account
    contact = found_or_404(people.access_contact, account, public_id)
    company_id = request.POST.get("company", "")

    def change():
        actions.update_contact(
            contact=contact,
            name=request.POST.get("name", "")[:200],
            email=request.POST.get("email", "")[:254],
            company=people.access_company(account, company_id) if company_id else None,
            actor=Actor(user=request.user),
        )

    return saved_or_refused(
        request, change, refused=_refused_on(request, contact, "edit"), reload=contact, done=_("Contact saved."),
        to=_url(contact),
    )  # fmt: skip


@require_POST
@workspace_view(*WORK)
def set_groups(request, public_id):
    """Add the contact to a group by hand, or take it out of one."""
    account = request.membership.account
    contact = found_or_404(people.access_contact, account, public_id)
    add, remove = request.POST.get("add", ""), request.POST.get("remove", "")
    group = found_or_404(people.access_group, account, (add or remove)[:16])
    actions.set_group_members(
        group=group, add=[contact] if add else [], remove=[contact] if remove else [], actor=Actor(user=request.user)
    )
    return redirect("web:contact", contact.public_id)


@require_POST
@workspace_view(*WORK)
def merge(request, public_id):
    """Merge a duplicate (named by its email address or its id) into this contact."""
    account = request.membership.account
    contact = found_or_404(people.access_contact, account, public_id)
    named = request.POST.get("duplicate", "").strip()
    duplicate = people.find_contact(account, named)

    def change():
        if duplicate is None:
            raise DomainError(_("No contact has the address or id %(v)s.") % {"v": named[:254]})
        actions.merge_contacts(survivor=contact, duplicate=duplicate, actor=Actor(user=request.user))
        return _("%(name)s was merged into this contact.") % {"name": duplicate.display_name}

    return saved_or_refused(
        request, change, refused=_refused_on(request, contact, "merge"), done=lambda text: text, to=_url(contact)
    )


def _render_card(request, contact, *, error: str = "", status: int = 200):
    context = {"contact": contact, "notes": people.list_notes(contact, limit=5), "error": error}
    return render(request, "contacts/_contact_card.html", context, status=status)


@require_GET
@workspace_view(*WORK)
def card(request, public_id):
    """The contact's card in the ticket side panel: a link to its page and the team's private notes."""
    return _render_card(request, found_or_404(people.access_contact, request.membership.account, public_id))


@require_POST
@workspace_view(*WORK)
def add_note(request, public_id):
    contact = found_or_404(people.access_contact, request.membership.account, public_id)
    in_card = request.POST.get("from") == "card"
    try:
        actions.add_contact_note(contact=contact, body=request.POST.get("body", ""), actor=Actor(user=request.user))
    except DomainError as exc:
        if in_card:
            return _render_card(request, contact, error=exc.message, status=422)
        return render_contact(request, contact, error=exc.message, error_for="note", status=422)
    if in_card:
        return _render_card(request, contact)
    messages.success(request, _("Note added."))
    return redirect("web:contact", contact.public_id)


@require_POST
@workspace_view(*WORK)
def delete_note(request, public_id, note_id):
    contact = found_or_404(people.access_contact, request.membership.account, public_id)
    note = found_or_404(people.access_note, contact, note_id)
    actions.delete_contact_note(note=note, actor=Actor(user=request.user))
    if request.POST.get("from") == "card":
        return _render_card(request, contact)
    messages.success(request, _("Note deleted."))
    return redirect("web:contact", contact.public_id)


def _url(contact) -> str:
    return reverse("web:contact", args=[contact.public_id])


def _refused_on(request, contact, form: str):
    """The contact page again with the reason under ``form`` (422)."""
    return lambda message: render_contact(request, contact, error=message, error_for=form, status=422)


@require_POST
@workspace_view(*WORK)
def identities(request, public_id):
    """Add an email address or phone number to the contact, or remove one (``remove`` set)."""
    contact = found_or_404(people.access_contact, request.membership.account, public_id)
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")[:320]
    try:
        if request.POST.get("remove"):
            actions.remove_identity(contact=contact, kind=kind, value=value, actor=Actor(user=request.user))
        else:
            actions.add_identity(contact=contact, kind=kind, value=value, actor=Actor(user=request.user))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return render_contact(request, contact, error=exc.message, error_for="identity", status=422)
    return redirect("web:contact", contact.public_id)
