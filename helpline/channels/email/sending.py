"""Handing finished mail to an SMTP server: the mailbox's own, else HELPLINE_SMTP_URL, else Django's backend.

smtplib directly (not Django's backend) because Helpline needs control of the envelope: automatic mail goes
out with an empty envelope sender (``MAIL FROM:<>``, RFC 3834) so that nothing answers it. SMTP replies map to
the channel errors: 5xx is permanent (shown on the message), 4xx and network trouble are temporary (retried
with backoff); a failed login is temporary too, so fixing the password lets queued mail go out.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage as DjangoEmailMessage
from django.core.mail import get_connection

from helpline.channels.base import PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)
TIMEOUT = 30


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "ssl", "starttls" or "none"
    username: str = ""
    password: str = ""


def server_for(mailbox) -> SmtpServer | None:
    """The mailbox's own SMTP server, else the one in HELPLINE_SMTP_URL; None: use Django's email backend."""
    if mailbox is not None and mailbox.smtp_host:
        security = mailbox.smtp_security
        default_port = {"ssl": 465, "starttls": 587}.get(security, 25)
        return SmtpServer(
            host=mailbox.smtp_host,
            port=mailbox.smtp_port or default_port,
            security=security,
            username=mailbox.smtp_username,
            password=mailbox.smtp_password,
        )
    url = getattr(settings, "EMAIL_URL", "")
    if not url:
        return None
    parts = urlsplit(url)
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in {"1", "true"}
    security = "ssl" if parts.scheme == "smtps" else ("starttls" if starttls else "none")
    return SmtpServer(
        host=parts.hostname or "localhost",
        port=parts.port or (465 if security == "ssl" else 25),
        security=security,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.security == "ssl":
        conn = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT, context=context)
    else:
        conn = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        if server.security == "starttls":
            conn.starttls(context=context)
    if server.username:
        conn.login(server.username, server.password)
    return conn


def _reply_text(code: int, message) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}"


def send_smtp(server: SmtpServer, *, envelope_from: str, recipients: list[str], data: bytes) -> dict:
    """Send; returns the recipients the server refused while accepting others (logged, not fatal)."""
    try:
        conn = _connect(server)
        try:
            refused = conn.sendmail(envelope_from, recipients, data)
        finally:
            try:
                conn.quit()
            except smtplib.SMTPException:
                conn.close()
    except smtplib.SMTPRecipientsRefused as exc:
        answers = [_reply_text(code, msg) for code, msg in exc.recipients.values()]
        error = "; ".join(f"{rcpt}: {answer}" for rcpt, answer in zip(exc.recipients, answers, strict=True))
        if all(code >= 500 for code, _msg in exc.recipients.values()):
            raise PermanentFailure(error) from exc
        raise TemporaryFailure(error) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise TemporaryFailure(_reply_text(exc.smtp_code, exc.smtp_error)) from exc
    except smtplib.SMTPResponseException as exc:
        failure = PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure
        raise failure(_reply_text(exc.smtp_code, exc.smtp_error)) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(str(exc) or type(exc).__name__) from exc
    if refused:
        log.warning("some recipients refused: %s", refused)
    return refused


class _Prebuilt(DjangoEmailMessage):
    """Finished bytes handed to whatever Django email backend is configured (file outbox in development)."""

    def __init__(self, data: bytes, *, envelope_from: str, recipients: list[str], subject: str):
        super().__init__(subject=subject, from_email=envelope_from or settings.DEFAULT_FROM_EMAIL, to=recipients)
        self._data = data

    def message(self, *, policy=None):
        return _RawBytes(self._data)


class _RawBytes:
    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self.data

    def as_string(self, *args, **kwargs) -> str:
        return self.data.decode("utf-8", "replace")

    def get_charset(self):
        return None


def send_bytes(mailbox, *, envelope_from: str, recipients: list[str], data: bytes, subject: str = "") -> None:
    server = server_for(mailbox)
    if server is not None:
        send_smtp(server, envelope_from=envelope_from, recipients=recipients, data=data)
        return
    try:
        get_connection(fail_silently=False).send_messages(
            [_Prebuilt(data, envelope_from=envelope_from, recipients=recipients, subject=subject)]
        )
    except (smtplib.SMTPException, OSError) as exc:
        raise TemporaryFailure(str(exc)) from exc
