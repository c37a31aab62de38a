"""OAuth 2.0 for Google and Microsoft 365 mailboxes: the SASL XOAUTH2 string and access-token refresh.

Refresh is the standard refresh-token grant (RFC 6749 section 6) against the provider's documented token
endpoint; the answer is the JSON of section 5.1 (``access_token``, ``expires_in``, maybe a rotated
``refresh_token``) or of section 5.2 (``error``, ``error_description``). The endpoints can be replaced with
the ``EMAIL_OAUTH_TOKEN_URLS`` setting (``{"oauth2_google": url, "oauth2_microsoft": url}``), e.g. for a
single-tenant Microsoft app (``https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports.net import TIMEOUT, TransportError, is_loopback, tls_context
from helpline.core import clock

TOKEN_URLS = {
    Mailbox.OAUTH_GOOGLE: "https://oauth2.googleapis.com/token",
    Mailbox.OAUTH_MICROSOFT: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
}
# Microsoft wants the scopes on refresh; Google keeps the ones granted at consent (https://mail.google.com/).
SCOPES = {
    Mailbox.OAUTH_MICROSOFT: "https://outlook.office.com/IMAP.AccessAsUser.All "
    "https://outlook.office.com/POP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access",
}
REFRESH_MARGIN = timedelta(seconds=120)


class OAuthError(TransportError):
    pass


def xoauth2(user: str, access_token: str) -> bytes:
    """The SASL XOAUTH2 initial response (before base64, which imaplib and smtplib add)."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01".encode()


def token_url(provider: str) -> str:
    configured = getattr(settings, "EMAIL_OAUTH_TOKEN_URLS", None) or {}
    return configured.get(provider) or TOKEN_URLS[provider]


def access_token(mailbox: Mailbox) -> str:
    """A valid access token: the stored one while it lives, else a refreshed one (stored for the next use)."""
    expires = mailbox.oauth_expires_at
    if mailbox.oauth_access_token and expires and expires - REFRESH_MARGIN > clock.now():
        return mailbox.oauth_access_token
    return refresh_access_token(mailbox)


def refresh_access_token(mailbox: Mailbox) -> str:
    from helpline.channels.email.actions import store_oauth_tokens

    if not mailbox.oauth_refresh_token:
        raise OAuthError(_("This mailbox is not connected to its Google or Microsoft account yet."), step="login")
    form = {
        "grant_type": "refresh_token",
        "client_id": mailbox.oauth_client_id,
        "client_secret": mailbox.oauth_client_secret,
        "refresh_token": mailbox.oauth_refresh_token,
    }
    if mailbox.auth in SCOPES:
        form["scope"] = SCOPES[mailbox.auth]
    answer = _post(token_url(mailbox.auth), form)
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise OAuthError(_("The sign-in provider answered without an access token."), step="login")
    try:
        lifetime = int(answer.get("expires_in", 3600))
    except (TypeError, ValueError):
        lifetime = 3600
    rotated = answer.get("refresh_token")
    store_oauth_tokens(
        mailbox=mailbox,
        access_token=token,
        expires_at=clock.now() + timedelta(seconds=lifetime),
        refresh_token=rotated if isinstance(rotated, str) else "",
    )
    return token


def _post(url: str, form: dict) -> dict:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        raise OAuthError(_("The token endpoint %(url)s must use https.") % {"url": url}, step="login")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    context = tls_context() if parts.scheme == "https" else None
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT, context=context) as response:  # noqa: S310
            return _json(response.read())
    except urllib.error.HTTPError as exc:
        answer = _json(exc.read())
        reason = answer.get("error_description") or answer.get("error") or f"HTTP {exc.code}"
        raise OAuthError(
            _("The sign-in provider refused to renew access: %(reason)s. Connect the mailbox again.")
            % {"reason": str(reason)[:300].rstrip(".")},
            step="login",
        ) from exc
    except OSError as exc:
        raise OAuthError(
            _("The sign-in provider could not be reached: %(reason)s.") % {"reason": getattr(exc, "reason", exc)},
            step="login",
        ) from exc


def _json(body: bytes) -> dict:
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}
