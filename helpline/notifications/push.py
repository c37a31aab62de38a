"""A new notification reaches its agent's open workspace tabs at once, over their own socket group
(realtime.personal): the bell's count, the text in the agent's language, and whether to show it as a browser
notification."""

from __future__ import annotations

import logging

from helpline.notifications import texts
from helpline.notifications.models import Notification
from helpline.notifications.selectors import unread_count

log = logging.getLogger(__name__)

EVENT = "notification.created"


def notification_created(ticket, targets, *, kind: str, actor_user_id, department_id) -> None:
    """``targets``: [(membership, Notification or None, browser?)]."""
    from helpline.conversations.models import Ticket
    from helpline.realtime.personal import push_to_agent
    from helpline.tenancy.models import Department, User

    ticket = Ticket.objects.select_related("account", "contact").filter(pk=ticket.pk).first()
    if ticket is None:
        return
    probe = Notification(
        account_id=ticket.account_id,
        kind=kind,
        ticket=ticket,
        actor=User.objects.filter(pk=actor_user_id).first() if actor_user_id else None,
        department=Department.objects.filter(pk=department_id).first() if department_id else None,
    )
    url = texts.ticket_path(ticket)
    for membership, notification, browser in targets:
        with texts.in_language_of(membership.user, ticket.account):
            text = texts.text_of(probe)
        push_to_agent(
            ticket.account.public_id,
            membership.user.public_id,
            {
                "event": EVENT,
                "notification": notification.public_id if notification else None,
                "kind": kind,
                "text": text,
                "url": url,
                "unread": unread_count(ticket.account_id, membership.user_id),
                "browser": browser,
            },
        )
