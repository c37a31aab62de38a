"""A customer email template rendered with sample data, exactly as ``templates.render`` renders mail: only
{{ placeholders }}, autoescaped HTML, and the result sanitised. Nothing is stored or sent."""

from __future__ import annotations

import re

from django.template import Context, Engine
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from helpline.channels.email.models import Mailbox
from helpline.channels.email.template_actions import check_template, ensure_known
from helpline.channels.email.templates import RenderedMail
from helpline.conversations.html import html_to_text, sanitize_html, text_to_html
from helpline.tenancy.models import Brand

_html_engine = Engine(autoescape=True, debug=False, string_if_invalid="")
_text_engine = Engine(autoescape=False, debug=False, string_if_invalid="")
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


def _signature(raw: str) -> tuple[str, str]:
    clean = sanitize_html(raw) if (raw or "").strip() else ""
    return mark_safe(clean), html_to_text(clean) if clean else ""  # noqa: S308 - sanitised just above


def sample_context(account, *, agent=None, agent_signature: str = "") -> dict:
    """Made-up ticket and customer; the account's real default brand, first active mailbox and the agent."""
    brand = Brand.objects.filter(account=account, is_default=True).first()
    mailbox = Mailbox.objects.filter(account=account, is_active=True).order_by("id").first()
    agent_html, agent_text = _signature(agent_signature)
    mailbox_html, mailbox_text = _signature(mailbox.signature_html if mailbox else "")
    brand_name = brand.name if brand else account.name
    reply = _("Thank you for your patience. The replacement printer is on its way and should arrive tomorrow.")
    return {
        "ticket": {"code": "ABC-234-56789", "subject": _("Printer on fire"), "status": _("Open")},
        "contact": {"name": "Carla Customer", "email": "carla@example.com"},
        "brand": {"name": brand_name},
        "account": {"name": account.name},
        "agent": {
            "name": (agent.alias or agent.name) if agent else brand_name,
            "signature": agent_html,
            "signature_text": agent_text,
        },
        "mailbox": {
            "address": mailbox.address if mailbox else "support@example.com",
            "signature": mailbox_html,
            "signature_text": mailbox_text,
        },
        "message": {"html": mark_safe(text_to_html(reply)), "text": reply},  # noqa: S308 - escaped by text_to_html
        "survey_url": "https://example.com/survey/ABC-234-56789",
    }


def preview_template(
    *, account, kind: str, locale: str, subject: str, body_html: str, body_text: str, context: dict
) -> RenderedMail:
    """Raise DomainError (bad syntax, a forbidden tag or filter, missing parts) as saving would."""
    ensure_known(kind, locale)
    check_template(kind, subject=subject, body_html=body_html, body_text=body_text)
    with translation.override(locale):
        rendered_subject = _text_engine.from_string(subject).render(Context(context, autoescape=False))
        html = _html_engine.from_string(body_html).render(Context(context)) if body_html.strip() else ""
        text = _text_engine.from_string(body_text).render(Context(context, autoescape=False)) if body_text else ""
    html = sanitize_html(html) if html.strip() else text_to_html(text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return RenderedMail(subject=" ".join(rendered_subject.split())[:255], html=html, text=text or html_to_text(html))
