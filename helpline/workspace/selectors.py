"""Reads of an agent's workspace preferences."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from helpline.workspace import sounds
from helpline.workspace.models import SoundPreference


@dataclass(frozen=True)
class SoundChoice:
    event: str
    label: str
    sound: str  # a built-in name, "custom" or "muted"
    url: str  # what the browser plays ("" when muted)
    custom_name: str = ""
    custom_url: str = ""


def sound_url(preference: SoundPreference) -> str:
    return reverse("web:sound-file", args=[preference.public_id])


def list_sound_choices(account, user) -> list[SoundChoice]:
    """Every notification's sound for this agent in this account (defaults where nothing was chosen). One query."""
    chosen = {p.event: p for p in SoundPreference.objects.filter(account=account, user=user)}
    found = []
    for event, (label, default) in sounds.EVENTS.items():
        preference = chosen.get(event)
        sound = preference.sound if preference else default
        custom_url = sound_url(preference) if preference and preference.custom_key else ""
        if sound == sounds.MUTED:
            url = ""
        elif sound == sounds.CUSTOM:
            url = custom_url
        else:
            url = sounds.builtin_url(sound if sound in sounds.BUILTIN else default)
        found.append(
            SoundChoice(
                event=event,
                label=str(label),
                sound=sound,
                url=url,
                custom_name=preference.custom_name if preference else "",
                custom_url=custom_url,
            )
        )
    return found


def get_own_sound(account, user, public_id: str) -> SoundPreference | None:
    """An uploaded sound of this agent in this account (anyone else's, in any account, is "not found")."""
    return (
        SoundPreference.objects.filter(account=account, user=user, public_id=public_id).exclude(custom_key="").first()
    )
