"""Writes to an agent's workspace preferences: atomic, audited, an event on commit."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.core.ids import new_public_id
from helpline.events import types as ev
from helpline.events.bus import publish_on_commit
from helpline.security import audit
from helpline.workspace import sounds
from helpline.workspace.models import SoundPreference


def _stored_upload(account, name: str, content: bytes) -> tuple[str, str]:
    """(storage key, detected type) of an uploaded sound; refused unless it is audio and small enough."""
    if len(content) > sounds.MAX_SOUND_BYTES:
        raise DomainError(
            _("The sound file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(sounds.MAX_SOUND_BYTES)}
        )
    kind = sounds.audio_type(content)
    if kind is None:
        raise DomainError(_("That file is not a sound Helpline can play (WAV, MP3, Ogg, FLAC, M4A or WebM)."))
    key = default_storage.save(f"sounds/{account.pk}/{new_public_id(20)}", ContentFile(content))
    return key, kind


@transaction.atomic
def set_sound(
    *, account, user, event: str, sound: str, upload: tuple[str, bytes] | None = None, actor: Actor
) -> SoundPreference:
    """Choose the sound of one notification: a built-in name, ``muted``, or ``custom`` (with ``upload`` as
    (file name, content) for a new file, or the file uploaded before)."""
    if event not in sounds.EVENTS:
        raise DomainError(_("Unknown notification."))
    preference = SoundPreference.objects.select_for_update().filter(
        account=account, user=user, event=event
    ).first() or SoundPreference(account=account, user=user, event=event, sound=sounds.EVENTS[event][1])
    before = preference.sound
    old_key = preference.custom_key
    if upload is not None:
        name, content = upload
        key, kind = _stored_upload(account, name, content)
        preference.custom_key, preference.custom_type = key, kind
        preference.custom_name, preference.custom_size = (name or "sound")[:255], len(content)
        sound = sounds.CUSTOM
    elif sound == sounds.CUSTOM and not preference.custom_key:
        raise DomainError(_("Choose a sound file to upload."))
    elif sound not in sounds.BUILTIN and sound not in (sounds.CUSTOM, sounds.MUTED):
        raise DomainError(_("Choose one of the listed sounds."))
    preference.sound = sound
    preference.save()
    if upload is not None and old_key:
        transaction.on_commit(lambda: default_storage.delete(old_key))  # the file it replaces
    audit.record(
        account=account,
        actor=actor,
        action=ev.SoundPreferenceChanged.name,
        subject=preference,
        data={"event": event, "sound": [before, sound], **({"uploaded": preference.custom_name} if upload else {})},
    )
    publish_on_commit(
        ev.SoundPreferenceChanged(account_id=account.pk, actor_user_id=actor.user_id, user_id=user.pk, event=event)
    )
    return preference
