"""Reads of canned messages and predefined answers, always within one account.

An agent sees their own personal items, their departments' items and the shared ones; managing (editing,
deleting) needs ownership for a personal item and the settings permission for the others.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from helpline.core.errors import NotFound
from helpline.replies.models import AnswerAttachment, CannedMessage, PredefinedAnswer, Scope
from helpline.tenancy import permissions as perms
from helpline.tenancy.models import DepartmentMember

SEARCH_LIMIT = 20


def visible_to(account, user) -> Q:
    """What ``user`` may use in this account: personal (their own), their departments', shared."""
    departments = DepartmentMember.objects.filter(account=account, user=user).values("department_id")
    return (
        Q(scope=Scope.SHARED)
        | Q(scope=Scope.PERSONAL, owner=user)
        | Q(scope=Scope.DEPARTMENT, department_id__in=departments)
    )


def manages_shared(membership) -> bool:
    return membership.has_perm(perms.MANAGE_SETTINGS)


def may_manage(membership, item) -> bool:
    if item.scope == Scope.PERSONAL:
        return item.owner_id == membership.user_id
    return manages_shared(membership)


def _managed_by(membership) -> Q:
    own = Q(scope=Scope.PERSONAL, owner_id=membership.user_id)
    return own | ~Q(scope=Scope.PERSONAL) if manages_shared(membership) else own


def _canned(account) -> QuerySet[CannedMessage]:
    return CannedMessage.objects.filter(account=account).select_related("department", "owner")


def _answers(account) -> QuerySet[PredefinedAnswer]:
    return (
        PredefinedAnswer.objects.filter(account=account)
        .select_related("department", "owner")
        .prefetch_related(Prefetch("attachments", queryset=AnswerAttachment.objects.order_by("id")))
    )


# Canned messages --------------------------------------------------------------------------------------------


def search_canned_messages(account, user, query: str = "", *, limit: int = SEARCH_LIMIT) -> list[CannedMessage]:
    """The agent's visible canned messages whose shortcut starts with, or name contains, ``query``.

    Shortcut matches come first, then by name.
    """
    qs = CannedMessage.objects.filter(visible_to(account, user), account=account)
    query = (query or "").strip().lstrip("/")
    if query:
        qs = qs.filter(Q(shortcut__istartswith=query) | Q(name__icontains=query))
    items = list(qs.order_by("name", "id")[: limit * 2])
    if query:
        items.sort(key=lambda c: (not c.shortcut.lower().startswith(query.lower()), c.name.lower()))
    return items[:limit]


def list_managed_canned_messages(membership) -> list[CannedMessage]:
    """The settings list: what this member may edit."""
    return list(_canned(membership.account).filter(_managed_by(membership)).order_by("scope", "name", "id"))


def list_canned_messages(account, *, scope: str | None = None, after_id: int | None = None, limit: int = 100):
    """The API list: every canned message of the account by creation, optionally of one scope."""
    qs = _canned(account)
    if scope:
        qs = qs.filter(scope=scope)
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs.order_by("id")[:limit])


def access_canned_message(account, public_id: str) -> CannedMessage:
    item = _canned(account).filter(public_id=public_id).first()
    if item is None:
        raise NotFound(_("No such canned message."))
    return item


def access_managed_canned_message(membership, public_id: str) -> CannedMessage | None:
    """The item when it exists in the member's account; the caller checks ``may_manage``."""
    return _canned(membership.account).filter(public_id=public_id).first()


# Predefined answers -----------------------------------------------------------------------------------------


def list_visible_answers(account, user) -> list[PredefinedAnswer]:
    return list(_answers(account).filter(visible_to(account, user)).order_by("name", "id"))


def get_visible_answer(account, user, public_id: str) -> PredefinedAnswer | None:
    return _answers(account).filter(visible_to(account, user), public_id=public_id).first()


def list_managed_answers(membership) -> list[PredefinedAnswer]:
    return list(_answers(membership.account).filter(_managed_by(membership)).order_by("scope", "name", "id"))


def list_answers(account, *, scope: str | None = None, after_id: int | None = None, limit: int = 100):
    qs = _answers(account)
    if scope:
        qs = qs.filter(scope=scope)
    if after_id:
        qs = qs.filter(id__gt=after_id)
    return list(qs.order_by("id")[:limit])


def access_answer(account, public_id: str) -> PredefinedAnswer:
    item = _answers(account).filter(public_id=public_id).first()
    if item is None:
        raise NotFound(_("No such predefined answer."))
    return item


def access_managed_answer(membership, public_id: str) -> PredefinedAnswer | None:
    return _answers(membership.account).filter(public_id=public_id).first()
