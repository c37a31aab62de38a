"""Files shared in a chat: JPG, PNG, GIF, PDF and plain text, checked by their first bytes on the server (the
name's extension must agree with what the content is), at most MAX_FILE_BYTES. Visitors download through a
signed link naming the file and their chat; agents through the workspace's authorised file view."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from helpline.core.errors import DomainError

MAX_FILE_BYTES = 10 * 1024 * 1024
TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "pdf": "application/pdf",
    "txt": "text/plain",
}
ACCEPT = ",".join(f".{ext}" for ext in TYPES)
_SALT = "helpline.chat.file"


class FileRejected(DomainError):
    status = 422
    code = "file_rejected"


class FileTooLarge(DomainError):
    status = 413
    code = "file_too_large"


def sniff(content: bytes) -> str:
    """The content type the bytes themselves say, or "" when they are none of the allowed kinds."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    head = content[:65536]
    if b"\x00" in head:
        return ""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # only a character cut at the end of the sample is forgiven
            return ""
    return "text/plain"


def check_file(name: str, size: int, content: bytes) -> tuple[str, str]:
    """(safe name, content type) of an acceptable file; raises FileRejected / FileTooLarge with the reason."""
    if size > MAX_FILE_BYTES:
        raise FileTooLarge(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 1024 // 1024})
    if not size:
        raise FileRejected(_("The file is empty."))
    safe = PurePosixPath((name or "").replace("\\", "/")).name.strip().replace("\x00", "")[:255]
    extension = safe.rsplit(".", 1)[-1].lower() if "." in safe else ""
    expected = TYPES.get(extension)
    if expected is None:
        raise FileRejected(_("Only JPG, PNG, GIF, PDF and TXT files can be shared."))
    if sniff(content) != expected:
        raise FileRejected(_("The file's content does not match its name (.%(ext)s).") % {"ext": extension})
    return safe, expected


def visitor_link(attachment_public_id: str, session_public_id: str) -> str:
    token = signing.dumps({"a": attachment_public_id, "s": session_public_id}, salt=_SALT, compress=True)
    return reverse("chat-widget-file", args=[token])


def read_visitor_link(token: str) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), str) or not isinstance(data.get("s"), str):
        return None
    return data["a"], data["s"]


def agent_link(attachment_public_id: str) -> str:
    return reverse("web:file", args=[attachment_public_id])


def with_links(line: dict, audience: str) -> dict:
    """The line as one side sees it: each file gets the download link that side may use."""
    if not line.get("files"):
        return line
    files = [
        {
            **f,
            "url": visitor_link(f["id"], line["chat"]) if audience == "visitor" else agent_link(f["id"]),
        }
        for f in line["files"]
    ]
    return {**line, "files": files}
