"""Agent sockets accept only same-origin browsers: the Origin must match the Host the socket was opened on
(or the configured base URL). This stops cross-site websocket hijacking even when ALLOWED_HOSTS is "*"."""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return ""


def origin_allowed(scope) -> bool:
    origin = _header(scope, b"origin")
    if not origin:
        return False
    origin_netloc = urlsplit(origin).netloc.lower()
    host = _header(scope, b"host").lower()
    base = urlsplit(settings.BASE_URL).netloc.lower()
    return origin_netloc in {host, base}


class SameOriginValidator:
    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
