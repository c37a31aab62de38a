"""Chat buttons: create (within the plan's limit), change (business hours included) and delete."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.channels.chat import appearance, hours
from helpline.channels.chat.models import ChatButton, ChatSession, FieldMode
from helpline.channels.chat.selectors import forget_socket_button
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import DomainError
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit

EDITABLE = (
    "name",
    "brand",
    "department",
    "is_active",
    "colour",
    "position",
    "template",
    "launcher_text",
    "title_text",
    "offline_title_text",
    "welcome_message",
    "custom_css",
    "language",
    "name_field",
    "email_field",
    "custom_fields",
    "offline_behaviour",
    "status_after_chat",
    "hours_enabled",
    "business_hours",
)


def _clean(account, values: dict) -> dict:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise DomainError(_("Unknown chat button setting: %(name)s.") % {"name": ", ".join(sorted(unknown))})
    cleaned = dict(values)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()[:100]
        if not cleaned["name"]:
            raise DomainError(_("Give the chat button a name."))
    for key in ("brand", "department"):
        if cleaned.get(key) is not None and cleaned[key].account_id != account.pk:
            raise DomainError(_("That brand or department belongs to another account."))
    if "colour" in cleaned:
        cleaned["colour"] = appearance.clean_colour(cleaned["colour"])
    if "custom_css" in cleaned:
        cleaned["custom_css"] = appearance.sanitise_css(cleaned["custom_css"])
    if "custom_fields" in cleaned:
        cleaned["custom_fields"] = appearance.clean_custom_fields(cleaned["custom_fields"])
    if "business_hours" in cleaned:
        cleaned["business_hours"] = hours.clean_hours(cleaned["business_hours"])
    if "hours_enabled" in cleaned:
        cleaned["hours_enabled"] = bool(cleaned["hours_enabled"])
    choices = {
        "position": ChatButton.POSITION_CHOICES,
        "template": ChatButton.TEMPLATE_CHOICES,
        "name_field": FieldMode.choices,
        "email_field": FieldMode.choices,
        "offline_behaviour": ChatButton.OFFLINE_CHOICES,
        "status_after_chat": ChatButton.ENDED_CHOICES,
    }
    for key, options in choices.items():
        if key in cleaned and cleaned[key] not in {value for value, _label in options}:
            raise DomainError(
                _("%(value)s is not a valid choice for %(field)s.") % {"value": cleaned[key], "field": key}
            )
    if "language" in cleaned:
        from django.conf import settings

        cleaned["language"] = (cleaned["language"] or "").strip()
        if cleaned["language"] and cleaned["language"] not in dict(settings.LANGUAGES):
            raise DomainError(_("Unknown language %(code)s.") % {"code": cleaned["language"]})
    for key in ("launcher_text", "title_text", "offline_title_text"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    return cleaned


@transaction.atomic
def create_chat_button(*, account, name: str, actor: Actor = SYSTEM, **values) -> ChatButton:
    from helpline.tenancy.models import Account

    Account.objects.select_for_update().filter(pk=account.pk).first()  # serialise the limit check
    ensure_within_limit(account, "chat_buttons", current=ChatButton.objects.filter(account=account).count())
    cleaned = _clean(account, {"name": name, **values})
    try:
        with transaction.atomic():
            button = ChatButton.objects.create(account=account, **cleaned)
    except IntegrityError as exc:
        raise DomainError(_("A chat button named %(name)s exists already.") % {"name": cleaned["name"]}) from exc
    audit.record(account=account, actor=actor, action="chat_button.created", subject=button, data={"name": button.name})
    return button


@transaction.atomic
def update_chat_button(*, button: ChatButton, actor: Actor = SYSTEM, **values) -> ChatButton:
    cleaned = _clean(button.account, values)
    button = ChatButton.objects.select_for_update().get(pk=button.pk)
    changed = audit.apply_changes(button, cleaned)
    if not changed:
        return button
    try:
        with transaction.atomic():
            button.save()
    except IntegrityError as exc:
        raise DomainError(_("A chat button named %(name)s exists already.") % {"name": button.name}) from exc
    audit.record(account=button.account, actor=actor, action="chat_button.changed", subject=button, data=changed)
    transaction.on_commit(lambda key=button.key: forget_socket_button(key))
    return button


@transaction.atomic
def delete_chat_button(*, button: ChatButton, actor: Actor = SYSTEM) -> None:
    """Its chats stay as tickets with their messages; a button with a chat still running cannot go."""
    button = ChatButton.objects.select_for_update().get(pk=button.pk)
    running = ChatSession.objects.filter(button=button, state__in=(ChatSession.WAITING, ChatSession.ACTIVE))
    if running.exists():
        raise DomainError(_("A chat through this button is still running. Deactivate the button and try again later."))
    audit.record(
        account=button.account, actor=actor, action="chat_button.deleted", subject=button, data={"name": button.name}
    )
    transaction.on_commit(lambda key=button.key: forget_socket_button(key))
    button.delete()
