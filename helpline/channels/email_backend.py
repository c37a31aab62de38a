"""Django email backend configured by one URL: smtp://user:pass@host:port, smtps://… (TLS), ?starttls=1."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend


class UrlEmailBackend(EmailBackend):
    def __init__(self, **kwargs):
        parts = urlsplit(settings.EMAIL_URL)
        query = parse_qs(parts.query)
        kwargs.setdefault("host", parts.hostname or "localhost")
        kwargs.setdefault("port", parts.port or (465 if parts.scheme == "smtps" else 25))
        kwargs.setdefault("username", unquote(parts.username or ""))
        kwargs.setdefault("password", unquote(parts.password or ""))
        kwargs.setdefault("use_ssl", parts.scheme == "smtps")
        kwargs.setdefault("use_tls", query.get("starttls", ["0"])[0] in {"1", "true"})
        kwargs.setdefault("timeout", 20)
        super().__init__(**kwargs)
