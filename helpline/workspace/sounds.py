"""Notification sounds: the events that sound, the built-in sounds, and what an uploaded sound may be."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

NEW_TICKET, CHAT_RING, NEW_MESSAGE = "new_ticket", "chat_ring", "new_message"
EVENTS = {  # event → (label, default sound)
    NEW_TICKET: (_("New ticket"), "chime"),
    CHAT_RING: (_("Incoming chat (ringing)"), "ring"),
    NEW_MESSAGE: (_("New customer message"), "pop"),
}
BUILTIN = {
    "chime": _("Chime"),
    "ding": _("Ding"),
    "bell": _("Bell"),
    "ring": _("Ring"),
    "pop": _("Pop"),
}
CUSTOM, MUTED = "custom", "muted"
MAX_SOUND_BYTES = 1024 * 1024


def builtin_url(name: str) -> str:
    return static(f"helpline/sounds/{name}.wav")


def audio_type(content: bytes) -> str | None:
    """The audio type the bytes really are (never the name or the browser's claim); None when not a known one."""
    head = content[:16]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06):
        return "audio/mpeg"  # an ID3 tag, or an MPEG audio frame sync with a layer set
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return "audio/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm"
    return None
