"""Test helpers: raw RFC 5322 mail built byte by byte, and an aiosmtpd server that records what it gets."""

from __future__ import annotations

import email
import socket
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_mail(
    *,
    sender: str = "Carla Customer <carla@example.com>",
    to: str = "support@acme.test",
    subject: str = "Broken kettle",
    message_id: str = "<m1@example.com>",
    body: str = "My kettle does not boil.",
    html: str = "",
    headers: dict | None = None,
    date: str = "Mon, 02 Mar 2026 10:00:00 +0000",
) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {date}"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    lines.append("MIME-Version: 1.0")
    if html:
        boundary = "b-1"
        lines += [f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
        lines += [f"--{boundary}", "Content-Type: text/plain; charset=utf-8", "", body]
        lines += [f"--{boundary}", "Content-Type: text/html; charset=utf-8", "", html, f"--{boundary}--"]
    else:
        lines += ["Content-Type: text/plain; charset=utf-8", "", body]
    return ("\r\n".join(lines) + "\r\n").encode()


class SmtpRecorder:
    """An aiosmtpd handler keeping every envelope; ``rcpt_reply`` / ``data_reply`` force an SMTP answer."""

    def __init__(self):
        self.envelopes = []
        self.rcpt_reply = ""
        self.data_reply = ""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        return "250 OK"

    def start(self, port: int, **kwargs) -> Controller:
        controller = Controller(self, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        return controller

    def parsed(self, index: int = -1):
        return email.message_from_bytes(self.envelopes[index].original_content, policy=policy.default)


def body(mail, subtype: str) -> str:
    """The text/plain or text/html body of a parsed mail, line endings as "\n"."""
    return mail.get_body((subtype,)).get_content().replace("\r\n", "\n")
