"""Attachments: content-addressed files under the account's prefix (the same bytes are one file, written once),
served only through an authorised view."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import PurePosixPath

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from helpline.conversations.models import Attachment, Message
from helpline.core.errors import DomainError
from helpline.core.files import save_by_content
from helpline.core.rows import insert_row

MAX_ATTACHMENT = 50 * 1024 * 1024
_CID_SRC = re.compile(r'src="cid:([^"]{1,500})"', re.IGNORECASE)


def _safe_name(name: str) -> str:
    name = PurePosixPath((name or "").replace("\\", "/")).name.strip().replace("\x00", "")
    return name[:255] or "attachment"


def store_attachment(*, message: Message, name: str, content: bytes, content_type: str = "") -> Attachment:
    if len(content) > MAX_ATTACHMENT:
        raise DomainError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_ATTACHMENT // 1024 // 1024})
    digest = hashlib.sha256(content).hexdigest()
    stored_key = save_by_content(f"attachments/{message.account_id}", content, digest)
    attachment = Attachment(
        account_id=message.account_id,
        message=message,
        storage_key=stored_key,
        name=_safe_name(name),
        content_type=(content_type or "application/octet-stream")[:127],
        size=len(content),
        sha256=digest,
    )
    return insert_row(attachment)


def attachment_url(public_id: str) -> str:
    """The authorised download URL of an attachment (agents of its account only)."""
    try:
        return reverse("web:file", args=[public_id])
    except NoReverseMatch:  # pragma: no cover - the workspace is always installed
        return f"/agent/files/{public_id}/"


def link_inline_images(message: Message, inline: dict[str, str]) -> None:
    """``<img src="cid:…">`` → the authorised URL of the attachment ``inline`` maps that id (lower case) to;
    unknown ids are left without a source. Used for inbound mail (Content-ID) and agents' replies (file name)."""
    if "cid:" not in message.body_html.lower():
        return

    def replace(match: re.Match) -> str:
        public_id = inline.get(html.unescape(match.group(1)).strip("<>").lower())
        return f'src="{attachment_url(public_id)}"' if public_id else 'src=""'

    body = _CID_SRC.sub(replace, message.body_html)
    if body != message.body_html:
        Message.objects.filter(pk=message.pk).update(body_html=body)
        message.body_html = body
