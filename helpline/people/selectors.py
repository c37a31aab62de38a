"""Reads of contacts, account-scoped."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.core.errors import NotFound
from helpline.people.models import Contact


def access_contact(account, public_id: str) -> Contact:
    contact = Contact.objects.filter(account=account, public_id=public_id).select_related("company").first()
    if contact is None:
        raise NotFound(_("No such contact."))
    return contact


def list_contacts(account, *, q: str = "", after_id: int | None = None, limit: int = 50) -> list[Contact]:
    qs = Contact.objects.filter(account=account).select_related("company")
    if q:
        from helpline.search.index import search_contact_ids

        qs = qs.filter(pk__in=search_contact_ids(account, q))
    if after_id:
        qs = qs.filter(pk__lt=after_id)
    return list(qs.order_by("-pk")[:limit])
