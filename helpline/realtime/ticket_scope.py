"""Department visibility on the account-wide socket fan-out (conversations.visibility).

Ticket events go to one group per account (``groups.agents_of``); each carries, beside what the browser gets, the
ticket's department and assignee as internal ids: ``"scope": [department_id, assignee_id]``, or for a batch
(``tickets.changed``) ``"scopes": {ticket public id: [department_id, assignee_id]}``. A socket loads its agent's
TicketScope on connect (None: every ticket) and keeps only the events, or the tickets of a batch, the agent may
see, with no query per event. The scope is loaded again when departments' members or the agent's role change
(``helpline.scope_changed``, see subscribers.refresh_ticket_scopes). The scope keys never reach a browser.
"""

from __future__ import annotations

from channels.db import database_sync_to_async

INTERNAL_KEYS = ("type", "recipients", "scope", "scopes")


@database_sync_to_async
def load_ticket_scope(user, account_public_id: str):
    from helpline.conversations.visibility import ticket_scope
    from helpline.tenancy.selectors import membership_for

    return ticket_scope(membership_for(user, account_public_id))


def visible_part(message: dict, scope, user_public_id: str) -> dict | None:
    """What of this account event the socket passes on to its browser (None: nothing).

    ``recipients`` (a chat ring) addresses agents by public id: the rung agent hears it whatever the ticket's
    department, and nobody else does."""
    recipients = message.get("recipients")
    if recipients is not None and user_public_id not in recipients:
        return None
    out = {key: value for key, value in message.items() if key not in INTERNAL_KEYS}
    if scope is None or recipients is not None:
        return out
    if "scopes" in message:
        scopes = message["scopes"]
        shown = [t for t in message.get("tickets", ()) if t in scopes and scope.sees(*scopes[t])]
        if not shown:
            return None
        out["tickets"] = shown
    elif "scope" in message and not scope.sees(*message["scope"]):
        return None
    return out


class TicketScoped:
    """Mixed into an agent consumer that joined ``agents_of``: call ``load_scope`` on connect (before joining),
    and pass account events through ``visible_part``."""

    ticket_scope = None

    async def load_scope(self, user, account_public_id: str) -> None:
        self.scope_account = account_public_id
        self.ticket_scope = await load_ticket_scope(user, account_public_id)

    async def helpline_scope_changed(self, message: dict) -> None:
        """Departments' members or an agent's role changed: what this socket's agent sees may have too."""
        user_ids = message.get("users")
        user = self.scope["user"]
        if user_ids is not None and user.pk not in user_ids:
            return
        await self.load_scope(user, self.scope_account)
