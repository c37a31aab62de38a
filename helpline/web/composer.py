"""The composer's input and state: recipients typed as text, uploaded files, and what the form shows again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from helpline.conversations.html import sanitize_html
from helpline.core.errors import DomainError

REPLY, NOTE, FORWARD = "reply", "note", "forward"
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # all files of one reply together; mail servers refuse much more
_SEPARATORS = re.compile(r"[,;\n]+")


def parse_addresses(raw: str) -> list[str]:
    """ "Carla <carla@example.com>, bob@example.com" → the addresses; send_reply validates each one."""
    found = []
    for chunk in _SEPARATORS.split(raw or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        _name, address = parseaddr(chunk)
        found.append(address if address and "<" in chunk else chunk)
    return found


def read_uploads(files) -> list[tuple[str, bytes, str]]:
    """(name, content, content type) of the uploaded files; too large together is refused before reading."""
    files = list(files)
    total = sum(f.size or 0 for f in files)
    if total > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The attachments are too large (%(size)s); the limit is %(limit)s in total.")
            % {"size": filesizeformat(total), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    return [(f.name, f.read(), f.content_type or "") for f in files]


@dataclass
class ComposerState:
    """What the composer shows: the mode, the fields as typed, an error, the message being forwarded."""

    mode: str = REPLY
    body: str = ""
    body_html: str = ""  # from the rich editor (editor.js), sanitised; body is then its plain text
    error: str = ""
    to: str = ""
    cc: str = ""
    bcc: str = ""
    forward: object | None = None  # the Message being forwarded
    collisions: list = field(default_factory=list)  # other agents' replies sent meanwhile (web.collisions)

    @property
    def show_copies(self) -> bool:
        return bool(self.cc.strip() or self.bcc.strip())

    @classmethod
    def from_post(cls, post, *, mode: str) -> ComposerState:
        return cls(
            mode=mode,
            body=post.get("body", ""),
            body_html=sanitize_html(post.get("body_html", "")) if post.get("body_html", "").strip() else "",
            to=post.get("to", ""),
            cc=post.get("cc", ""),
            bcc=post.get("bcc", ""),
        )
