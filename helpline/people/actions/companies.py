"""Companies: create, change, delete (their contacts stay, without a company)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.events import publish_on_commit
from helpline.events.types import CompanyChanged, CompanyCreated, CompanyDeleted
from helpline.people.models import Company, Contact
from helpline.security import audit


def _clean(account, name: str, domain: str, *, exclude_pk: int | None = None) -> tuple[str, str]:
    name, domain = name.strip(), domain.strip().lower().removeprefix("@")
    if not name:
        raise DomainError(_("Give the company a name."))
    taken = Company.objects.filter(account=account, name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise Conflict(_("A company with this name exists already."))
    return name, domain


@transaction.atomic
def create_company(*, account, name: str, domain: str = "", actor: Actor = SYSTEM) -> Company:
    name, domain = _clean(account, name, domain)
    company = Company.objects.create(account=account, name=name, domain=domain)
    audit.record(account=account, actor=actor, action=CompanyCreated.name, subject=company, data={"name": name})
    publish_on_commit(CompanyCreated(account_id=account.pk, actor_user_id=actor.user_id, company_id=company.pk))
    return company


@transaction.atomic
def update_company(
    *, company: Company, name: str | None = None, domain: str | None = None, actor: Actor = SYSTEM
) -> Company:
    name, domain = _clean(
        company.account,
        company.name if name is None else name,
        company.domain if domain is None else domain,
        exclude_pk=company.pk,
    )
    changes = audit.apply_changes(company, {"name": name, "domain": domain})
    if changes:
        company.save(update_fields=list(changes))
        audit.record(account=company.account, actor=actor, action=CompanyChanged.name, subject=company, data=changes)
        publish_on_commit(
            CompanyChanged(account_id=company.account_id, actor_user_id=actor.user_id, company_id=company.pk)
        )
    return company


@transaction.atomic
def delete_company(*, company: Company, actor: Actor = SYSTEM) -> None:
    contact_ids = tuple(Contact.objects.filter(company=company).values_list("pk", flat=True))
    audit.record(
        account=company.account, actor=actor, action=CompanyDeleted.name, subject=company,
        data={"name": company.name, "contacts": len(contact_ids)},
    )  # fmt: skip
    event = CompanyDeleted(
        account_id=company.account_id, actor_user_id=actor.user_id, company_id=company.pk, contact_ids=contact_ids
    )
    company.delete()
    publish_on_commit(event)
