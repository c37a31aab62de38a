"""Every write to conversations goes through these functions."""

from helpline.conversations.actions.attachments import store_attachment
from helpline.conversations.actions.custom_fields import (
    create_custom_field,
    delete_custom_field,
    move_custom_field,
    reorder_custom_fields,
    set_contact_fields,
    set_ticket_fields,
    update_custom_field,
)
from helpline.conversations.actions.merge import merge_tickets
from helpline.conversations.actions.messages import (
    IncomingMessage,
    add_note,
    check_incoming,
    open_ticket,
    receive_message,
    receive_messages,
    record_delivery,
    retry_delivery,
    send_reply,
)
from helpline.conversations.actions.split import split_ticket
from helpline.conversations.actions.tags import create_tag
from helpline.conversations.actions.tickets import (
    assign_ticket,
    change_priority,
    change_status,
    create_ticket,
    set_custom_field,
    set_tags,
    tag_ticket,
    transfer_ticket,
    untag_ticket,
)

__all__ = [
    "create_custom_field",
    "delete_custom_field",
    "move_custom_field",
    "reorder_custom_fields",
    "set_contact_fields",
    "set_ticket_fields",
    "update_custom_field",
    "retry_delivery",
    "add_note",
    "assign_ticket",
    "change_priority",
    "change_status",
    "create_tag",
    "create_ticket",
    "merge_tickets",
    "IncomingMessage",
    "check_incoming",
    "open_ticket",
    "receive_message",
    "receive_messages",
    "record_delivery",
    "send_reply",
    "set_custom_field",
    "set_tags",
    "split_ticket",
    "store_attachment",
    "tag_ticket",
    "transfer_ticket",
    "untag_ticket",
]
