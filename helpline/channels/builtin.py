"""The adapters that ship with the core: web/API tickets and email."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext_lazy as _

from helpline.channels.base import ChannelAdapter, PermanentFailure, SendResult, TemporaryFailure


class WebAdapter(ChannelAdapter):
    """Tickets opened in the workspace or through the API: the reply is stored and visible; nothing to send."""

    kind = "web"
    label = _("Web")
    message_kind = "web"

    def send(self, message) -> SendResult:
        return SendResult()


class ApiAdapter(WebAdapter):
    kind = "api"
    label = _("API")


class EmailAdapter(ChannelAdapter):
    """Replies by email through the configured SMTP server (HELPLINE_SMTP_URL)."""

    kind = "email"
    label = _("Email")
    message_kind = "email"

    def send(self, message) -> SendResult:
        ticket = message.ticket
        recipient = ticket.contact.primary_email
        if not recipient:
            raise PermanentFailure("the contact has no email address")
        from django.core.mail import make_msgid

        message_id = make_msgid(domain="helpline.localhost")
        mail = EmailMultiAlternatives(
            subject=f"Re: {ticket.subject} [#{ticket.code}]",
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient],
            headers={"Message-ID": message_id, "X-Helpline-Ticket": ticket.code},
        )
        mail.attach_alternative(message.body_html, "text/html")
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(str(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(str(exc)) from exc
        return SendResult(external_id=message_id)


def register_all(registry) -> None:
    for adapter in (WebAdapter(), ApiAdapter(), EmailAdapter()):
        registry.register(adapter)
