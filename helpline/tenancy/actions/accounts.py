"""Accounts: create one with its owner, default brand and first department."""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.security import audit
from helpline.tenancy import plans
from helpline.tenancy.models import Account, Brand, Department, Membership, User


def _check_slug(slug: str) -> str:
    clean = slugify(slug)
    if not clean or clean != slug:
        raise DomainError(_("The slug may contain only lower-case letters, digits and hyphens."))
    if Account.objects.filter(slug=slug).exists():
        raise Conflict(_("An account with the slug %(slug)s exists already.") % {"slug": slug})
    return clean


@transaction.atomic
def create_account(
    *,
    slug: str,
    name: str,
    owner_email: str,
    owner_name: str = "",
    plan: str = plans.ENTERPRISE,
    password: str | None = None,
    timezone: str = "UTC",
) -> tuple[Account, User, str | None]:
    """Returns (account, owner, one-time password or None when the owner already had a login)."""
    if plan not in plans.PLAN_LIMITS:
        raise DomainError(_("Unknown plan %(plan)s.") % {"plan": plan})
    account = Account.objects.create(slug=_check_slug(slug), name=name.strip() or slug, plan=plan, timezone=timezone)
    owner = User.objects.filter(email=owner_email.strip().lower()).first()
    issued_password = None
    if owner is None:
        issued_password = password or secrets.token_urlsafe(12)
        owner = User.objects.create_user(owner_email, issued_password, name=owner_name or owner_email.split("@")[0])
    Membership.objects.create(account=account, user=owner, role=Membership.OWNER)
    Brand.objects.create(account=account, name=account.name, is_default=True)
    Department.objects.create(account=account, name=_("Support"))
    audit.record(
        account=account, actor=Actor(user=owner), action="account.created", subject=account, data={"plan": plan}
    )
    return account, owner, issued_password


@transaction.atomic
def update_account(*, account: Account, actor: Actor = SYSTEM, **changes) -> Account:
    allowed = {"name", "timezone", "locale", "plan"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("Unknown settings: %(names)s") % {"names": ", ".join(sorted(unknown))})
    if "name" in changes and not str(changes["name"]).strip():
        raise DomainError(_("The account needs a name."))
    if "locale" in changes and changes["locale"] not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the listed languages."))
    if "timezone" in changes and changes["timezone"] not in zoneinfo.available_timezones():
        raise DomainError(_("Unknown time zone."))
    if "plan" in changes and changes["plan"] not in plans.PLAN_LIMITS:
        raise DomainError(_("Unknown plan %(plan)s.") % {"plan": changes["plan"]})
    for key, value in changes.items():
        setattr(account, key, value)
    account.save()
    audit.record(
        account=account,
        actor=actor,
        action="account.updated",
        subject=account,
        data={k: str(v) for k, v in changes.items()},
    )
    return account
