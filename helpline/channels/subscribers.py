"""Subscribers of the channels package."""

from helpline.events.types import ReplyQueued


def deliver_queued_reply(event: ReplyQueued) -> None:
    from helpline.channels.tasks import deliver_message

    deliver_message(event.message_id)
