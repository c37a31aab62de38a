"""Tags: the account's ticket labels."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.conversations.models import Tag
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.security import audit
from helpline.tenancy.selectors import forget_account_lists


@transaction.atomic
def create_tag(*, account, name: str, colour: str = "#64748b", actor: Actor = SYSTEM) -> Tag:
    name = (name or "").strip()[:64]
    if not name:
        raise DomainError(_("A tag needs a name."))
    taken = _("A tag named %(name)s exists already.") % {"name": name}
    if Tag.objects.filter(account=account, name__iexact=name).exists():
        raise Conflict(taken)
    try:
        with transaction.atomic():
            tag = Tag.objects.create(account=account, name=name, colour=colour.lower())
    except IntegrityError as exc:
        raise Conflict(taken) from exc
    audit.record(account=account, actor=actor, action="tag.created", subject=tag, data={"name": tag.name})
    forget_account_lists(account.pk)
    return tag
