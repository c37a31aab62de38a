"""Reads of visitor monitoring, always scoped to one account (or, for the widget, to one button's account)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from helpline.channels.chat import routing_bridge
from helpline.channels.chat.models import ChatSession
from helpline.channels.chat.monitoring.models import Invitation, InvitationRule, PageView, Visit
from helpline.channels.chat.monitoring.rules import invitations_due
from helpline.core import clock
from helpline.core.errors import NotFound

LIVE_WINDOW = timedelta(minutes=3)  # sockets ping every 25 s and touch the visit every minute
LIST_LIMIT = 200
PAGES_SHOWN = 10
RUNNING = (ChatSession.WAITING, ChatSession.ACTIVE)


def _with_pages(visits):
    recent = PageView.objects.order_by("-id")
    return visits.select_related("button").prefetch_related(
        Prefetch("views", queryset=recent[:PAGES_SHOWN], to_attr="recent_views")
    )


def _mark_chatting(account, visits: list[Visit]) -> list[Visit]:
    ids = {visit.visitor_id for visit in visits}
    chatting = (
        set(
            ChatSession.objects.filter(account=account, visitor_id__in=ids, state__in=RUNNING).values_list(
                "visitor_id", flat=True
            )
        )
        if ids
        else set()
    )
    for visit in visits:
        visit.chatting = visit.visitor_id in chatting
        visit.online = visit.connections > 0 and visit.last_seen_at >= clock.now() - LIVE_WINDOW
    return visits


def list_live_visits(account, *, limit: int = LIST_LIMIT) -> list[Visit]:
    """The visitors on the account's sites now, most recently active first, each with its latest pages."""
    visits = Visit.objects.filter(account=account, connections__gt=0, last_seen_at__gte=clock.now() - LIVE_WINDOW)
    return _mark_chatting(account, list(_with_pages(visits).order_by("-last_seen_at", "-id")[:limit]))


def access_visit(account, public_id: str) -> Visit:
    visit = _with_pages(Visit.objects.filter(account=account, public_id=public_id)).select_related("account").first()
    if visit is None:
        raise NotFound(_("No such visitor."))
    return _mark_chatting(account, [visit])[0]


def get_visit_of_visitor(account, visitor_id: str, visit_id: int) -> Visit | None:
    return Visit.objects.filter(account=account, visitor_id=visitor_id, pk=visit_id).first()


def is_chatting(account, visitor_id: str) -> bool:
    return ChatSession.objects.filter(account=account, visitor_id=visitor_id, state__in=RUNNING).exists()


def invitations_for(button, visit: Visit, url: str) -> list[dict]:
    """The rule invitations the widget may show on this page (see rules.py): none while the visitor chats or
    nobody can answer, and each rule once a visit."""
    account = button.account
    rules = list(
        InvitationRule.objects.filter(account=account, is_active=True)
        .filter(Q(button__isnull=True) | Q(button=button))
        .exclude(pk__in=Invitation.objects.filter(visit=visit, rule__isnull=False).values("rule_id"))
    )
    if not rules or is_chatting(account, visit.visitor_id) or not routing_bridge.anyone_available(button):
        return []
    return invitations_due(rules, url=url, referrer=visit.referrer, page_views=visit.page_views, visits=visit.number)


def list_invitation_rules(account) -> list[InvitationRule]:
    """The account's rules, each with how often it was shown and accepted."""
    return list(
        InvitationRule.objects.filter(account=account)
        .select_related("button")
        .annotate(
            shown=Count("invitations", filter=Q(invitations__shown_at__isnull=False)),
            accepted=Count("invitations", filter=Q(invitations__accepted_at__isnull=False)),
        )
        .order_by("name")
    )


def access_invitation_rule(account, public_id: str) -> InvitationRule:
    rule = InvitationRule.objects.filter(account=account, public_id=public_id).select_related("account").first()
    if rule is None:
        raise NotFound(_("No such invitation rule."))
    return rule
