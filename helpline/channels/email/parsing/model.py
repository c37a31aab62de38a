"""What the parser returns: plain frozen dataclasses, no Django, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Address = tuple[str, str]  # (display name, lower-cased addr-spec)

AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}


@dataclass(frozen=True)
class ParsedAttachment:
    name: str
    content_type: str
    content: bytes = field(repr=False)
    content_id: str = ""  # without the angle brackets
    inline: bool = False  # shown inside the HTML body (referenced as cid:<content_id>), whatever the disposition

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_address: str = ""
    from_name: str = ""
    reply_to: list[Address] = field(default_factory=list)
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""  # as received: NOT sanitised, the caller sanitises before storing or showing it
    attachments: list[ParsedAttachment] = field(default_factory=list)
    # loop protection (raw values, whitespace-collapsed)
    auto_submitted: str = ""
    precedence: str = ""
    x_autoreply: str = ""
    x_auto_response_suppress: str = ""
    list_id: str = ""
    return_path: str = ""
    reply_tokens: list[str] = field(default_factory=list)  # X-Helpline-Reply-Token values, as written
    # delivery status notifications (multipart/report; report-type=delivery-status)
    is_bounce: bool = False
    bounced_message_id: str = ""
    bounce_recipients: list[str] = field(default_factory=list)
    bounce_status: str = ""  # e.g. "5.1.1": the first permanent failure, else the first status given
    bounce_action: str = ""  # "failed", "delayed", … for that recipient
    is_calendar: bool = False
    is_signed: bool = False
    parse_errors: list[str] = field(default_factory=list)

    @property
    def thread_references(self) -> list[str]:
        """Ids this message answers, for threading: In-Reply-To first, then References newest first."""
        seen: set[str] = set()
        ordered = [*self.in_reply_to, *reversed(self.references)]
        return [i for i in ordered if not (i in seen or seen.add(i))]

    @property
    def is_automated(self) -> bool:
        """Sent by a machine or a list (RFC 3834, vendor headers, List-Id, bounces): never auto-answer it."""
        auto = self.auto_submitted.lower()
        return bool(
            (auto and not auto.startswith("no"))
            or self.precedence.lower() in AUTO_PRECEDENCE
            or self.x_autoreply
            or self.is_bounce
            or self.list_id
            or (self.return_path in ("<>", "") and self.from_address.startswith(("mailer-daemon@", "postmaster@")))
        )
