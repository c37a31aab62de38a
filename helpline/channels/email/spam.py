"""SpamAssassin through spamd, spoken to with the spamc protocol (SPAMC/1.5) over TCP.

Request:  ``CHECK SPAMC/1.5\\r\\nContent-length: N\\r\\n\\r\\n<raw message>``
Response: ``SPAMD/1.1 0 EX_OK\\r\\nSpam: True ; 1000.0 / 5.0\\r\\n\\r\\n``

The mailbox's own threshold decides (``score >= spam_threshold``, as SpamAssassin's required_score does), not
spamd's. When spamd cannot be reached or answers nonsense the mail is delivered normally and the reason is kept
in ``Message.meta["spam_check"]``: a broken filter never loses mail.
"""

from __future__ import annotations

import logging
import re
import socket
from dataclasses import dataclass

log = logging.getLogger(__name__)

MAX_CHECK_BYTES = 512 * 1024  # spamc's default: bigger mail is not worth checking (and is rarely spam)
TIMEOUT = 15.0
MAX_RESPONSE = 64 * 1024
_STATUS = re.compile(r"^SPAMD/\d+\.\d+\s+(\d+)\s+(.*)$")
_SPAM = re.compile(r"^Spam:\s*(\w+)\s*;\s*(-?[\d.]+)\s*/\s*(-?[\d.]+)\s*$", re.IGNORECASE)


class SpamdError(Exception):
    """spamd could not be asked or gave an answer we do not understand."""


@dataclass(frozen=True)
class SpamdAnswer:
    is_spam: bool  # spamd's own verdict against its required score
    score: float
    required: float


@dataclass(frozen=True)
class SpamVerdict:
    score: float | None
    threshold: float
    error: str = ""

    @property
    def is_spam(self) -> bool:
        return self.score is not None and self.score >= self.threshold

    def as_meta(self) -> dict:
        if self.score is None:
            return {"spam_check": self.error}
        return {"spam_score": self.score, "spam_threshold": self.threshold}


def parse_response(data: bytes) -> SpamdAnswer:
    lines = data.decode("latin-1").split("\r\n")
    status = _STATUS.match(lines[0].strip()) if lines else None
    if not status:
        raise SpamdError(f"unexpected answer {lines[0][:80]!r}" if lines and lines[0] else "empty answer")
    if status.group(1) != "0":
        raise SpamdError(f"spamd error {status.group(1)} {status.group(2)[:80]}")
    for line in lines[1:]:
        if not line:
            break
        spam = _SPAM.match(line.strip())
        if spam:
            return SpamdAnswer(
                is_spam=spam.group(1).lower() in ("true", "yes"),
                score=float(spam.group(2)),
                required=float(spam.group(3)),
            )
    raise SpamdError("no Spam header in the answer")


def check(raw: bytes, *, host: str, port: int, timeout: float = TIMEOUT) -> SpamdAnswer:
    """Ask spamd. Raises SpamdError (or OSError for the network) when there is no usable answer."""
    request = b"CHECK SPAMC/1.5\r\nContent-length: %d\r\n\r\n" % len(raw)
    with socket.create_connection((host, port), timeout=timeout) as conn:
        conn.sendall(request + raw)
        conn.shutdown(socket.SHUT_WR)
        chunks, size = [], 0
        while size < MAX_RESPONSE:
            chunk = conn.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return parse_response(b"".join(chunks))


def check_mailbox(mailbox, raw: bytes) -> SpamVerdict | None:
    """The verdict for mail arriving through this mailbox; None when its spam filter is off."""
    if mailbox is None or not mailbox.spam_enabled:
        return None
    threshold = float(mailbox.spam_threshold)
    if len(raw) > MAX_CHECK_BYTES:
        return SpamVerdict(score=None, threshold=threshold, error=f"not checked: larger than {MAX_CHECK_BYTES} bytes")
    try:
        answer = check(raw, host=mailbox.spam_host, port=mailbox.spam_port)
    except (OSError, SpamdError) as exc:
        log.warning("spamd at %s:%s unusable: %s", mailbox.spam_host, mailbox.spam_port, exc)
        return SpamVerdict(score=None, threshold=threshold, error=f"not checked: spamd unreachable ({exc})"[:300])
    return SpamVerdict(score=answer.score, threshold=threshold)
