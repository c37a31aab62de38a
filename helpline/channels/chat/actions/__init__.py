"""Every write of the live chat channel goes through these functions."""

from helpline.channels.chat.actions.buttons import create_chat_button, delete_chat_button, update_chat_button
from helpline.channels.chat.actions.messages import mark_read, post_agent_message, post_visitor_message
from helpline.channels.chat.actions.prechat import FormInvalid, VisitorForm, clean_visitor_form
from helpline.channels.chat.actions.presence import visitor_connected, visitor_disconnected, withdraw_if_visitor_gone
from helpline.channels.chat.actions.sessions import (
    ChatClosed,
    accept_chat,
    decline_chat,
    end_chat,
    rate_chat,
    start_chat,
    submit_offline_form,
)
from helpline.channels.chat.actions.transcripts import send_transcript

__all__ = [
    "ChatClosed",
    "FormInvalid",
    "VisitorForm",
    "accept_chat",
    "clean_visitor_form",
    "create_chat_button",
    "decline_chat",
    "delete_chat_button",
    "end_chat",
    "mark_read",
    "post_agent_message",
    "post_visitor_message",
    "rate_chat",
    "send_transcript",
    "start_chat",
    "submit_offline_form",
    "update_chat_button",
    "visitor_connected",
    "visitor_disconnected",
    "withdraw_if_visitor_gone",
]
