"""Agent presence per channel, kept as intervals; the agent socket reports connections, idleness and activity."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.events import publish_on_commit
from helpline.events import types as ev
from helpline.routing.models import AgentConnection, AgentRouting, Presence, PresenceChannel, PresenceInterval
from helpline.security import audit
from helpline.tenancy.models import Membership


@transaction.atomic
def set_presence(
    *,
    account,
    user,
    channel: str = PresenceChannel.CHAT,
    state: str,
    reason: str = PresenceInterval.MANUAL,
    actor: Actor = SYSTEM,
) -> str:
    """Close the agent's current interval on the channel and open one in the new state (none for offline)."""
    if channel not in PresenceChannel.values:
        raise DomainError(_("Unknown channel %(channel)s.") % {"channel": channel})
    if state not in Presence.values:
        raise DomainError(_("Unknown presence %(state)s.") % {"state": state})
    # The membership row lock serialises changes of one agent's presence.
    if not Membership.objects.select_for_update().filter(account=account, user=user, is_active=True).exists():
        raise DomainError(_("That agent does not work in this account."))
    return _switch(account=account, user=user, channel=channel, state=state, reason=reason, actor=actor)


def _switch(*, account, user, channel: str, state: str, reason: str, actor: Actor) -> str:
    now = clock.now()
    current = PresenceInterval.objects.filter(
        account=account, user=user, channel=channel, ended_at__isnull=True
    ).first()
    previous = current.state if current else Presence.OFFLINE
    if previous == state:
        return state
    if current is not None:
        current.ended_at = now
        current.save(update_fields=["ended_at"])
    if state != Presence.OFFLINE:
        PresenceInterval.objects.create(
            account=account, user=user, channel=channel, state=state, reason=reason, started_at=now
        )
    if state == Presence.ONLINE:
        AgentRouting.objects.filter(account=account, user=user).update(missed_in_row=0)
    audit.record(
        account=account,
        actor=actor,
        action=ev.AgentPresenceChanged.name,
        subject=user,
        data={"channel": channel, "from": previous, "to": state, "reason": reason},
    )
    publish_on_commit(
        ev.AgentPresenceChanged(
            account_id=account.pk,
            actor_user_id=actor.user_id,
            user_id=user.pk,
            channel=channel,
            from_state=previous,
            to_state=state,
        )
    )
    if channel == PresenceChannel.CHAT and state == Presence.ONLINE:
        from helpline.routing.actions.ringing import offer_queued

        offer_queued(account)
    return state


@transaction.atomic
def agent_connected(*, account, user, channel_name: str, node: str = "") -> None:
    """An agent socket opened on ``node`` (routing.nodes: the web process holding it)."""
    AgentConnection.objects.update_or_create(
        channel_name=channel_name,
        defaults={"account": account, "user": user, "connected_at": clock.now(), "node": node},
    )


@transaction.atomic
def agent_disconnected(*, channel_name: str) -> bool:
    """Forget the socket; when it was the agent's last one in the account, they go offline everywhere.

    An agent deactivated meanwhile goes offline too (their open intervals end, nobody is told a change was
    refused): a socket closing never fails."""
    connection = AgentConnection.objects.select_related("account", "user").filter(channel_name=channel_name).first()
    if connection is None:
        return False
    connection.delete()
    account, user = connection.account, connection.user
    if AgentConnection.objects.filter(account=account, user=user).exists():
        return False
    Membership.objects.select_for_update().filter(account=account, user=user).exists()  # as set_presence locks
    for channel in PresenceChannel.values:
        _switch(
            account=account,
            user=user,
            channel=channel,
            state=Presence.OFFLINE,
            reason=PresenceInterval.DISCONNECTED,
            actor=SYSTEM,
        )
    return True


@transaction.atomic
def mark_idle(*, account, user) -> list[str]:
    """The agent's browser saw no activity for a while: online channels turn away. Returns those channels."""
    channels = list(
        PresenceInterval.objects.filter(
            account=account, user=user, state=Presence.ONLINE, ended_at__isnull=True
        ).values_list("channel", flat=True)
    )
    for channel in channels:
        set_presence(account=account, user=user, channel=channel, state=Presence.AWAY, reason=PresenceInterval.IDLE)
    return channels


@transaction.atomic
def mark_active(*, account, user) -> list[str]:
    """The agent is back: channels that went away on idle (only those) are online again."""
    channels = list(
        PresenceInterval.objects.filter(
            account=account, user=user, state=Presence.AWAY, reason=PresenceInterval.IDLE, ended_at__isnull=True
        ).values_list("channel", flat=True)
    )
    for channel in channels:
        set_presence(account=account, user=user, channel=channel, state=Presence.ONLINE, reason=PresenceInterval.MANUAL)
    return channels
