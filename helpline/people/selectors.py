"""Reads of contacts, companies, groups, notes and imports, account-scoped."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from helpline.conversations.models import CustomFieldValue
from helpline.core.errors import NotFound
from helpline.people.models import Company, Contact, ContactGroup, ContactImport, ContactNote
from helpline.people.segments import members_q, rule_q

PAGE_SIZE = 50


def access_contact(account, public_id: str) -> Contact:
    contact = Contact.objects.filter(account=account, public_id=public_id).select_related("company").first()
    if contact is None:
        raise NotFound(_("No such contact."))
    return contact


def access_company(account, public_id: str) -> Company:
    company = Company.objects.filter(account=account, public_id=public_id).first()
    if company is None:
        raise NotFound(_("No such company."))
    return company


def access_group(account, public_id: str) -> ContactGroup:
    group = ContactGroup.objects.filter(account=account, public_id=public_id).first()
    if group is None:
        raise NotFound(_("No such contact group."))
    return group


def access_note(contact: Contact, public_id: str) -> ContactNote:
    note = ContactNote.objects.filter(contact=contact, public_id=public_id).select_related("contact__account").first()
    if note is None:
        raise NotFound(_("No such note."))
    return note


def access_import(account, public_id: str) -> ContactImport:
    contact_import = ContactImport.objects.filter(account=account, public_id=public_id).first()
    if contact_import is None:
        raise NotFound(_("No such import."))
    return contact_import


def filtered_contacts(account, *, q: str = "", company: Company | None = None, group: ContactGroup | None = None):
    """The account's contacts under a search, a company and a group (segment); any of them may be empty.
    Contacts that stand for agents (the requesters of internal tickets) are left out."""
    qs = Contact.objects.filter(account=account, agent__isnull=True)
    if q:
        from helpline.search.index import search_contact_ids

        qs = qs.filter(pk__in=search_contact_ids(account, q))
    if company is not None:
        qs = qs.filter(company=company)
    if group is not None:
        qs = qs.filter(members_q(group))
    return qs


def list_contacts(
    account, *, q: str = "", company=None, group=None, after_id: int | None = None, limit: int = PAGE_SIZE
) -> list[Contact]:
    """Newest first, keyset-paginated on the id."""
    qs = filtered_contacts(account, q=q, company=company, group=group).select_related("company")
    if after_id:
        qs = qs.filter(pk__lt=after_id)
    values = Prefetch("field_values", queryset=CustomFieldValue.objects.select_related("field").order_by("field_id"))
    return list(qs.order_by("-pk").prefetch_related(values)[:limit])


def list_companies(account, *, q: str = "", after: Company | None = None, limit: int = PAGE_SIZE) -> list[Company]:
    """Alphabetical, keyset-paginated on (name, id), each with ``contact_count``."""
    qs = Company.objects.filter(account=account)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(domain__icontains=q))
    if after is not None:
        qs = qs.filter(Q(name__gt=after.name) | Q(name=after.name, pk__gt=after.pk))
    return list(qs.annotate(contact_count=Count("contact")).order_by("name", "pk")[:limit])


def list_company_choices(account) -> list[tuple[str, str]]:
    return list(Company.objects.filter(account=account).order_by("name").values_list("public_id", "name")[:1000])


def list_groups(account) -> list[ContactGroup]:
    return list(ContactGroup.objects.filter(account=account).order_by("name"))


def list_group_choices(account) -> list[tuple[str, str]]:
    """(public id, name) of the account's groups, cached until a group changes."""
    from helpline.people.subscribers import group_choices_key

    key = group_choices_key(account.pk)
    choices = cache.get(key)
    if choices is None:
        choices = list(ContactGroup.objects.filter(account=account).order_by("name").values_list("public_id", "name"))
        cache.set(key, choices, 3600)
    return choices


def groups_of(contact: Contact) -> list[tuple[ContactGroup, bool]]:
    """Every group the contact belongs to, with True where it is a member by hand (else by rule). Two queries."""
    groups = list(ContactGroup.objects.filter(account_id=contact.account_id).order_by("name"))
    by_hand = set(contact.groups.values_list("pk", flat=True)) if groups else set()
    rules = {g.pk: rule_q(g.rule) for g in groups if g.pk not in by_hand and g.rule}
    matched = set()
    if rules:
        counts = Contact.objects.filter(pk=contact.pk).aggregate(
            **{f"g{pk}": Count("pk", filter=q) for pk, q in rules.items()}
        )
        matched = {pk for pk in rules if counts[f"g{pk}"]}
    return [(g, g.pk in by_hand) for g in groups if g.pk in by_hand or g.pk in matched]


def list_notes(contact: Contact, *, limit: int = 50) -> list[ContactNote]:
    return list(ContactNote.objects.filter(contact=contact).select_related("author").order_by("-id")[:limit])


def contact_field_values(contact: Contact) -> list[tuple[str, object]]:
    """(label, value) of the contact's custom fields, in the fields' order (settings → custom fields)."""
    from helpline.conversations.models import CustomField, CustomFieldValue

    values = CustomFieldValue.objects.filter(contact=contact, field__applies_to=CustomField.CONTACT)
    ordered = values.order_by("field__position", "field_id").values_list("field__label", "value")
    return [(label, value) for label, value in ordered]


def find_contact(account, named: str) -> Contact | None:
    """The contact with this email address (any of its addresses) or this public id."""
    from helpline.people.models import ContactIdentity

    named = named.strip()
    if not named:
        return None
    if "@" in named:
        identity = ContactIdentity.objects.filter(
            account=account, kind=ContactIdentity.EMAIL, value=named.lower()
        ).select_related("contact")
        found = identity.first()
        return found.contact if found else None
    return Contact.objects.filter(account=account, public_id=named[:16]).first()


def contacts_by_public_id(account, public_ids) -> dict[str, Contact]:
    return {c.public_id: c for c in Contact.objects.filter(account=account, public_id__in=list(public_ids))}


def contact_pk(account, public_id: str) -> int | None:
    """The primary key of the account's contact with this public id (a page cursor), or None."""
    if not public_id:
        return None
    return Contact.objects.filter(account=account, public_id=public_id).values_list("pk", flat=True).first()
