"""The agent's open browsers pick up a changed notification sound at once (sounds.js reloads its settings)."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpline.realtime.groups import agents_of


def push_sounds_to_agent(event) -> None:
    from helpline.tenancy.models import Account, User

    account = Account.objects.filter(pk=event.account_id).values_list("public_id", flat=True).first()
    agent = User.objects.filter(pk=event.user_id).values_list("public_id", flat=True).first()
    if account is None or agent is None:
        return
    payload = {"type": "helpline.event", "event": event.name, "sound": event.event, "recipients": [agent]}
    async_to_sync(get_channel_layer().group_send)(agents_of(account), payload)
