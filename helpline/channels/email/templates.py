"""Customer email templates: new ticket received, agent reply wrapper, ticket resolved, satisfaction survey.

Admins edit them per account and language (``EmailTemplate``); without one, the built-in default (translated
with gettext) is used. Templates are Django template strings rendered in a sandbox: only ``{{ variables }}``
(with a few harmless filters), no ``{% tags %}``, autoescape on for HTML, and a context of plain values — never
model instances — so a template cannot reach anything it is not given. Placeholders:

``ticket.code`` ``ticket.subject`` ``ticket.status`` ``contact.name`` ``contact.email`` ``agent.name``
``agent.signature`` ``brand.name`` ``account.name`` ``mailbox.address`` ``mailbox.signature``
``message.html`` ``message.text`` (agent reply) ``survey_url`` (survey)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.template import Context, Engine, TemplateSyntaxError, defaultfilters
from django.template.base import FilterExpression, Lexer, Parser, TokenType
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from helpline.channels.email.models import EmailTemplate
from helpline.conversations.html import html_to_text, sanitize_html, text_to_html
from helpline.core.errors import DomainError
from helpline.events.decisions import decide

ALLOWED_FILTERS = {
    getattr(defaultfilters, name)
    for name in ("upper", "lower", "title", "capfirst", "default", "truncatechars", "truncatewords", "date")
}
# Kinds sent unless an admin switches them off; the others only once an admin switches them on.
ON_BY_DEFAULT = {EmailTemplate.NEW_TICKET, EmailTemplate.AGENT_REPLY}
REQUIRED = {EmailTemplate.AGENT_REPLY: "message."}  # the wrapper must show the reply

_SUBJECT = gettext_noop("Re: {{ ticket.subject }} [#{{ ticket.code }}]")
DEFAULTS = {
    EmailTemplate.NEW_TICKET: (
        _SUBJECT,
        gettext_noop(
            "Hello {{ contact.name }},\n\n"
            "Thank you for writing to {{ brand.name }}. We have received your message and will answer as soon "
            "as we can.\n\n"
            "Your ticket number is {{ ticket.code }}. Please keep it in the subject when you write to us about "
            "this request.\n\n"
            "This is an automatic reply."
        ),
    ),
    EmailTemplate.AGENT_REPLY: (
        _SUBJECT,
        gettext_noop(
            "{{ message.text }}\n\n--\n{{ agent.name }}\n{{ brand.name }}\n\n"
            "{{ agent.signature_text }}\n\n{{ mailbox.signature_text }}"
        ),
    ),
    EmailTemplate.RESOLVED: (
        _SUBJECT,
        gettext_noop(
            "Hello {{ contact.name }},\n\n"
            "We have marked your request {{ ticket.code }} as resolved. If you still need help, simply reply to "
            "this message and we will look at it again.\n\n{{ brand.name }}"
        ),
    ),
    EmailTemplate.SURVEY: (
        _SUBJECT,
        gettext_noop(
            "Hello {{ contact.name }},\n\n"
            "How did we do? Please tell us about your experience with request {{ ticket.code }}:\n"
            "{{ survey_url }}\n\nThank you,\n{{ brand.name }}"
        ),
    ),
}
_HTML_WRAPPER = (
    "{{ message.html }}<p>--<br>{{ agent.name }}<br>{{ brand.name }}</p>{{ agent.signature }}{{ mailbox.signature }}"
)
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")

_html_engine = Engine(autoescape=True, debug=False, string_if_invalid="")
_text_engine = Engine(autoescape=False, debug=False, string_if_invalid="")


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    html: str
    text: str


def _check_source(source: str) -> None:
    """Only text, comments and {{ variables|allowed filters }}: anything else is refused."""
    parser = Parser([], builtins=_html_engine.template_builtins)
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = token.contents.split()[0] if token.contents.split() else ""
            raise DomainError(_("Templates may only use {{ placeholders }}, not {%% %(tag)s %%}.") % {"tag": tag})
        if token.token_type == TokenType.VAR:
            try:
                expression = FilterExpression(token.contents, parser)
            except TemplateSyntaxError as exc:
                raise DomainError(_("The placeholder {{ %(var)s }} is not valid.") % {"var": token.contents}) from exc
            for func, _args in expression.filters:
                if func not in ALLOWED_FILTERS:
                    raise DomainError(_("The filter in {{ %(var)s }} is not allowed.") % {"var": token.contents})


@lru_cache(maxsize=256)
def _checked(source: str) -> bool:
    """``_check_source`` once per distinct source (a refused one raises every time)."""
    _check_source(source)
    return True


@lru_cache(maxsize=256)
def _compiled(source: str, *, html: bool = True):
    """A template source compiled once per process: every acknowledgement of an account renders the same one."""
    return (_html_engine if html else _text_engine).from_string(source)


def validate(kind: str, *, subject: str, body_html: str, body_text: str) -> None:
    """Raise DomainError with a translated reason when an admin's template cannot be used."""
    if kind not in dict(EmailTemplate.KIND_CHOICES):
        raise DomainError(_("Unknown template."))
    if not subject.strip() or not (body_html.strip() or body_text.strip()):
        raise DomainError(_("A template needs a subject and a body."))
    for source in (subject, body_html, body_text):
        _check_source(source)
    needed = REQUIRED.get(kind)
    if needed and needed not in body_html + body_text:
        raise DomainError(_("This template must show the message: use {{ message.html }} or {{ message.text }}."))


def default_template(kind: str, locale: str = "en") -> dict:
    """The built-in text in a language, for the admin screen to start from."""
    subject, text = DEFAULTS[kind]
    with translation.override(locale):
        text = _(text)
        html = _HTML_WRAPPER if kind == EmailTemplate.AGENT_REPLY else text_to_html(text)
        return {"subject": _(subject), "body_text": text, "body_html": html}


def may_be_on(account_id: int, kind: str) -> bool:
    """One cheap query before any work for a notice: False when ``render`` could only return None (a kind that is
    off by default and has no active template in any language), so a bulk resolve skips the rest."""
    if kind in ON_BY_DEFAULT:
        return True
    return EmailTemplate.objects.filter(account_id=account_id, kind=kind, is_active=True).exists()


def find_template(account, kind: str, locale: str) -> EmailTemplate | None:
    rows = decide(  # a batch of new mail reads the account's acknowledgement templates once
        ("email templates", account.pk, kind),
        lambda: {t.locale: t for t in EmailTemplate.objects.filter(account=account, kind=kind)},
    )
    return rows.get(locale) or rows.get(locale.split("-")[0]) or rows.get(account.locale) or rows.get("en")


def render(account, kind: str, context: dict, *, locale: str = "") -> RenderedMail | None:
    """The mail for this kind, or None when it is switched off for the account."""
    locale = locale or account.locale or "en"
    row = find_template(account, kind, locale)
    if row is not None and not row.is_active:
        return None
    if row is None and kind not in ON_BY_DEFAULT:
        return None
    source = (
        {"subject": row.subject, "body_html": row.body_html, "body_text": row.body_text}
        if row
        else default_template(kind, locale)
    )
    try:
        for value in source.values():
            _checked(value)
    except DomainError:  # saved before validation existed, or edited in the database: use the default
        source = default_template(kind, locale)
    with translation.override(locale):
        ctx = _safe_context(context)
        subject = " ".join(_compiled(source["subject"], html=False).render(Context(ctx, autoescape=False)).split())
        html = _compiled(source["body_html"]).render(Context(ctx, autoescape=True)) if source["body_html"] else ""
        text = (
            _compiled(source["body_text"], html=False).render(Context(ctx, autoescape=False))
            if source["body_text"]
            else ""
        )
    html = sanitize_html(html) if html.strip() else text_to_html(text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return RenderedMail(subject=subject[:255], html=html, text=text or html_to_text(html))


def _safe_context(context: dict) -> dict:
    """Plain values only; HTML pieces we produced ourselves (already sanitised) are marked safe."""
    out = {}
    for key, value in context.items():
        if isinstance(value, dict):
            out[key] = {
                k: (mark_safe(v) if k in ("html", "signature") else v)  # noqa: S308 - sanitised by the caller
                for k, v in value.items()
                if isinstance(v, str | int | float)
            }
        elif isinstance(value, str | int | float):
            out[key] = value
    return out


def _signature(html_signature: str) -> tuple[str, str]:
    clean = sanitize_html(html_signature) if (html_signature or "").strip() else ""
    return clean, html_to_text(clean) if clean else ""


def context_for(ticket, *, contact=None, agent=None, mailbox=None, brand=None, extra: dict | None = None) -> dict:
    """The template context for a ticket: plain strings only."""
    contact = contact or ticket.contact
    brand_name = brand.name if brand else ticket.account.name
    membership = agent.memberships.filter(account_id=ticket.account_id).first() if agent else None
    agent_html, agent_text = _signature(getattr(membership, "signature_html", ""))
    mailbox_html, mailbox_text = _signature(mailbox.signature_html if mailbox else "")
    context = {
        "ticket": {"code": ticket.code, "subject": ticket.subject, "status": ticket.get_status_display()},
        "contact": {"name": contact.name or _("customer"), "email": contact.primary_email},
        "brand": {"name": brand_name},
        "account": {"name": ticket.account.name},
        "agent": {
            "name": (agent.alias or agent.name) if agent else brand_name,
            "signature": agent_html,
            "signature_text": agent_text,
        },
        "mailbox": {
            "address": mailbox.address if mailbox else "",
            "signature": mailbox_html,
            "signature_text": mailbox_text,
        },
    }
    context.update(extra or {})
    return context
