"""What a chat button looks like and asks: validated values, the sanitised custom CSS, the texts the widget shows."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from helpline.core.errors import DomainError

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_CUSTOM_FIELDS = 10
MAX_CSS = 20_000
# Anything in CSS that loads or runs something, or that could end the <style> element it sits in.
_CSS_DANGERS = [
    re.compile(r"<\s*/?\s*style", re.IGNORECASE),
    re.compile(r"<!--|-->|<|>"),
    re.compile(r"@import[^;]*;?", re.IGNORECASE),
    re.compile(r"expression\s*\(", re.IGNORECASE),
    re.compile(r"(?:java|vb)script\s*:", re.IGNORECASE),
    re.compile(r"-moz-binding|behaviou?r\s*:", re.IGNORECASE),
    re.compile(r"url\s*\([^)]*\)", re.IGNORECASE),
    re.compile(r"\\"),  # escapes can spell any of the above
]


def sanitise_css(css: str) -> str:
    """Keep the declarations; drop what loads resources (url(), @import), runs code or escapes the style tag."""
    css = (css or "")[:MAX_CSS]
    for pattern in _CSS_DANGERS:
        css = pattern.sub("", css)
    return css.strip()


def clean_colour(value: str) -> str:
    value = (value or "").strip()
    if not COLOUR.match(value):
        raise DomainError(_("A colour is written like #2563eb."))
    return value.lower()


def clean_custom_fields(fields) -> list[dict]:
    """[{"key", "label", "required"}] with unique, simple keys."""
    if not isinstance(fields, list) or len(fields) > MAX_CUSTOM_FIELDS:
        raise DomainError(_("A pre-chat form has at most %(n)d custom fields.") % {"n": MAX_CUSTOM_FIELDS})
    cleaned, keys = [], set()
    for field in fields:
        if not isinstance(field, dict):
            raise DomainError(_("Each custom field needs a key and a label."))
        key = str(field.get("key", "")).strip().lower()
        label = str(field.get("label", "")).strip()[:100]
        if not FIELD_KEY.match(key) or not label:
            raise DomainError(_("Each custom field needs a key (letters, digits, _) and a label."))
        if key in keys or key in ("name", "email", "message"):
            raise DomainError(_("The custom field key %(key)s is used twice.") % {"key": key})
        keys.add(key)
        cleaned.append({"key": key, "label": label, "required": bool(field.get("required"))})
    return cleaned


def widget_language(button) -> str:
    return button.language or button.account.locale or "en"


def widget_texts(button) -> dict:
    """Every string the widget shows, translated into the button's language on the server."""
    with translation.override(widget_language(button)):
        return {
            "launcher": button.launcher_text or _("Chat with us"),
            "title": button.title_text or _("Chat with us"),
            "offlineTitle": button.offline_title_text or _("Leave us a message"),
            "welcome": button.welcome_message,
            "open": _("Open the chat"),
            "close": _("Close the chat"),
            "name": _("Your name"),
            "email": _("Your email"),
            "question": _("How can we help?"),
            "start": _("Start the chat"),
            "send": _("Send"),
            "messagePlaceholder": _("Type your message…"),
            "messageLabel": _("Message"),
            "sending": _("Sending…"),
            "delivered": _("Delivered"),
            "read": _("Read"),
            "typing": _("The agent is typing…"),
            "waiting": _("Waiting for an agent…"),
            "joined": _("%(agent)s joined the chat."),
            "ended": _("The chat has ended."),
            "endChat": _("End the chat"),
            "offline": _("Connection lost; trying again…"),
            "offlineIntro": _("Nobody is available right now. Leave a message and we will answer by email."),
            "offlineSend": _("Send the message"),
            "offlineSent": _("Thank you. We will answer by email."),
            "required": _("Required"),
            "you": _("You"),
            "agent": _("Agent"),
            "error": _("Something went wrong. Please try again."),
            "rateQuestion": _("How was the chat?"),
            "good": _("Good"),
            "bad": _("Bad"),
            "rateComment": _("Anything to add? (optional)"),
            "rateSend": _("Send the rating"),
            "rated": _("Thank you for your rating."),
            "transcriptLabel": _("Email me the transcript"),
            "transcriptSend": _("Send the transcript"),
            "transcriptSent": _("The transcript is on its way."),
            "attach": _("Attach a file"),
            "uploading": _("Uploading…"),
            "mute": _("Mute sounds"),
        }
