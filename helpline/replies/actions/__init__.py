"""Every write to canned messages and predefined answers goes through these functions."""

from helpline.replies.actions.answers import (
    add_answer_attachment,
    create_predefined_answer,
    delete_predefined_answer,
    remove_answer_attachment,
    send_predefined_answer,
    update_predefined_answer,
)
from helpline.replies.actions.canned import create_canned_message, delete_canned_message, update_canned_message

__all__ = [
    "add_answer_attachment",
    "create_canned_message",
    "create_predefined_answer",
    "delete_canned_message",
    "delete_predefined_answer",
    "remove_answer_attachment",
    "send_predefined_answer",
    "update_canned_message",
    "update_predefined_answer",
]
