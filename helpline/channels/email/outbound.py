"""Outgoing email: the EmailAdapter (channel kind "email") turns a queued outbound Message into mail.

- From: the mailbox the ticket came in through, else the brand's (or account's) first active mailbox, else
  DEFAULT_FROM_EMAIL; shown with the brand's name. Sent through that mailbox's SMTP server or
  HELPLINE_SMTP_URL (``sending.py``), DKIM-signed when the mailbox has a key (``dkim.py``).
- Message-ID: ``reply_token.message_id`` (signed for the authoring agent), stable across retries;
  In-Reply-To: the thread's last inbound Message-ID; References: the thread's chain (capped).
- Subject: ``Re: <subject> [#CODE]`` from the agent-reply template (the code is always kept);
  ``Fwd: …`` for a forward; automatic mail keeps the subject it was rendered with.
- Body: HTML with a plain-text alternative; replies are wrapped in the account's agent-reply template
  (agent and mailbox signatures); attachments follow.
- Recipients: meta to/cc/bcc set by ``send_reply`` (default: the requester), plus the participants on
  reply-all; the account's own addresses are never mailed (that would loop).
- Automatic mail (``meta["automatic"]``): ``Auto-Submitted: auto-replied`` (the acknowledgement) or
  ``auto-generated`` (notices), ``X-Auto-Response-Suppress: All`` and an empty envelope sender.
"""

from __future__ import annotations

import html as html_lib
import mimetypes
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpline.channels.base import ChannelAdapter, PermanentFailure, SendResult
from helpline.channels.email import dkim, reply_token, sending, templates
from helpline.channels.email.models import EmailTemplate, Mailbox
from helpline.channels.email.policy import OwnAddresses
from helpline.conversations.actions.attachments import attachment_url
from helpline.conversations.models import Attachment, Message
from helpline.conversations.statuses import Direction
from helpline.events.decisions import decide
from helpline.tenancy.models import Brand

MAX_REFERENCES = 20
AUTO_REPLY_KINDS = {"new_ticket"}  # answers to a customer's mail; other automatic mail is a notice


def ticket_mailbox(ticket) -> Mailbox | None:
    """The mailbox the ticket came in through, else the first active one of its brand, else of the account."""
    for meta in ticket.messages.filter(direction=Direction.INBOUND).order_by("id").values_list("meta", flat=True)[:20]:
        public_id = (meta or {}).get("mailbox")
        if public_id:
            found = Mailbox.objects.filter(account_id=ticket.account_id, public_id=public_id, is_active=True).first()
            if found:
                return found
    active = Mailbox.objects.filter(account_id=ticket.account_id, is_active=True).order_by("id")
    if ticket.brand_id:
        return active.filter(brand_id=ticket.brand_id).first() or active.first()
    return active.filter(brand__is_default=True).first() or active.first()


def brand_for(ticket, mailbox):
    """The ticket's brand, else the mailbox's, else the account's default brand."""
    if ticket.brand_id:
        return ticket.brand
    if mailbox is not None and mailbox.brand_id:
        return mailbox.brand
    account_id = ticket.account_id
    return decide(("default brand", account_id), Brand.objects.filter(account_id=account_id, is_default=True).first)


def thread_ids(message: Message) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for a message: the last inbound Message-ID and the thread's chain."""
    earlier = list(
        message.ticket.messages.filter(id__lt=message.pk)
        .exclude(direction=Direction.INTERNAL)
        .exclude(external_id="")
        .order_by("id")
        .values_list("direction", "external_id")
    )
    parent = next((eid for direction, eid in reversed(earlier) if direction == Direction.INBOUND), "")
    chain: list[str] = []
    for _direction, eid in earlier:
        if eid.startswith("<") and eid not in chain:
            chain.append(eid)
    if parent in chain:  # the parent last, as a reply's References ends with its parent
        chain.remove(parent)
        chain.append(parent)
    if len(chain) > MAX_REFERENCES:
        chain = chain[:1] + chain[-(MAX_REFERENCES - 1) :]
    return parent, chain


def recipients(message: Message, own: OwnAddresses) -> tuple[list[str], list[str], list[str]]:
    """(to, cc, bcc), deduplicated across the three, without the account's own addresses."""
    meta = message.meta or {}
    requester = message.ticket.contact.primary_email
    to = list(meta.get("to") or ([requester] if requester else []))
    cc = list(meta.get("cc") or [])
    if meta.get("reply_all"):
        cc += [
            email
            for email in message.ticket.participants.order_by("id").values_list("contact__primary_email", flat=True)
            if email
        ]
        if requester and requester not in to:
            cc.insert(0, requester)
    seen: set[str] = set()
    out = []
    for group in (to, cc, list(meta.get("bcc") or [])):
        kept = []
        for address in group:
            address = address.strip().lower()
            if address and address not in seen and address not in own:
                seen.add(address)
                kept.append(address)
        out.append(kept)
    return out[0], out[1], out[2]


def _with_code(subject: str, code: str) -> str:
    subject = " ".join((subject or "").split())
    return subject if f"[#{code}]" in subject else f"{subject} [#{code}]".strip()


def _content(message: Message, ticket, mailbox, brand) -> tuple[str, str, str]:
    """(subject, html, text) of the mail."""
    meta = message.meta or {}
    if meta.get("automatic"):
        subject = meta.get("subject") or f"Re: {ticket.subject}"
        return _with_code(subject, ticket.code), message.body_html, message.body_text
    if meta.get("forward_of"):
        original = Message.objects.filter(ticket=ticket, public_id=meta["forward_of"]).first()
        html, text = forward_body(message, original)
        return _with_code(f"Fwd: {ticket.subject}", ticket.code), html, text
    context = templates.context_for(
        ticket,
        agent=message.author_user,
        mailbox=mailbox,
        brand=brand,
        extra={"message": {"html": message.body_html, "text": message.body_text}},
    )
    rendered = templates.render(ticket.account, EmailTemplate.AGENT_REPLY, context)
    if rendered is None:  # the wrapper is switched off: the reply as written
        return _with_code(f"Re: {ticket.subject}", ticket.code), message.body_html, message.body_text
    return _with_code(rendered.subject, ticket.code), rendered.html, rendered.text


def forward_body(cover: Message, original: Message | None) -> tuple[str, str]:
    """The agent's cover note, then the forwarded message under a header block (html, text)."""
    if original is None:
        return cover.body_html, cover.body_text
    sender = original.author_name
    if original.author_contact_id and original.author_contact.primary_email:
        sender = f"{sender} <{original.author_contact.primary_email}>"
    with translation.override(cover.ticket.account.locale or "en"):
        lines = [
            gettext("---------- Forwarded message ----------"),
            gettext("From: %(sender)s") % {"sender": sender},
            gettext("Date: %(date)s") % {"date": formatdate(original.created_at.timestamp(), usegmt=True)},
            gettext("Subject: %(subject)s") % {"subject": cover.ticket.subject},
        ]
    text = "\n".join([cover.body_text, "", *lines, "", original.body_text]).strip()
    header = "<br>".join(html_lib.escape(line) for line in lines)
    html = f"{cover.body_html}<p>{header}</p><blockquote>{original.body_html}</blockquote>"
    return html, text


def _attachments(message: Message) -> list[Attachment]:
    found = list(message.attachments.order_by("id"))
    forward_of = (message.meta or {}).get("forward_of")
    if forward_of:
        found += list(Attachment.objects.filter(message__ticket=message.ticket, message__public_id=forward_of))
    return found


def compose(message: Message, mailbox: Mailbox | None, own: OwnAddresses) -> tuple[EmailMessage, list[str], str]:
    """(the mail, every envelope recipient, its Message-ID)."""
    ticket = message.ticket
    meta = message.meta or {}
    brand = brand_for(ticket, mailbox)
    address = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    display = brand.name if brand else (mailbox.name if mailbox else ticket.account.name)
    to, cc, bcc = recipients(message, own)
    if not to + cc + bcc:
        raise PermanentFailure("the contact has no email address")
    subject, html, text = _content(message, ticket, mailbox, brand)
    message_id = reply_token.message_id(
        ticket_public_id=ticket.public_id,
        agent_public_id=message.author_user.public_id if message.author_user_id else "",
        domain=address.rpartition("@")[2] or "helpline.localhost",
        nonce=message.public_id,
    )
    mail = EmailMessage(policy=email_policy.SMTP)
    mail["From"] = formataddr((display, address))
    if to:
        mail["To"] = ", ".join(to)
    if cc:
        mail["Cc"] = ", ".join(cc)
    mail["Subject"] = subject
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = message_id
    if not meta.get("forward_of"):
        parent, chain = thread_ids(message)
        if parent:
            mail["In-Reply-To"] = parent
        if chain:
            mail["References"] = " ".join(chain)
    mail["X-Helpline-Ticket"] = ticket.code
    if meta.get("automatic"):
        mail["Auto-Submitted"] = "auto-replied" if meta["automatic"] in AUTO_REPLY_KINDS else "auto-generated"
        mail["X-Auto-Response-Suppress"] = "All"
    mail.set_content(text or " ")
    attachments = _attachments(message)
    html, inline = inline_images(html, attachments, domain=address.rpartition("@")[2] or "helpline.localhost")
    if html:
        mail.add_alternative(html, subtype="html")
    html_part = mail.get_body(("html",)) if html else None
    for attachment in sorted(attachments, key=lambda a: a.public_id not in inline):  # inline parts first
        with default_storage.open(attachment.storage_key, "rb") as handle:
            content = handle.read()
        ctype = attachment.content_type or mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
        maintype, _slash, subtype = ctype.partition("/")
        if attachment.public_id in inline and html_part is not None:
            html_part.add_related(
                content,
                maintype=maintype,
                subtype=subtype or "octet-stream",
                cid=f"<{inline[attachment.public_id]}>",
                filename=attachment.name,
                disposition="inline",
            )
        else:
            mail.add_attachment(content, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.name)
    return mail, to + cc + bcc, message_id


def inline_images(html: str, attachments: list[Attachment], *, domain: str) -> tuple[str, dict[str, str]]:
    """Images shown in the body from the workspace's authorised file URL (pasted in the editor, or an inline image
    of a forwarded mail) cannot load for the recipient: they become inline parts, ``cid:`` in the HTML.
    Returns the HTML and {attachment public id: content id}."""
    inline: dict[str, str] = {}
    for attachment in attachments:
        url = attachment_url(attachment.public_id)
        if html and f'src="{url}"' in html:
            inline[attachment.public_id] = f"{attachment.public_id}@{domain}"
            html = html.replace(f'src="{url}"', f'src="cid:{inline[attachment.public_id]}"')
    return html, inline


class EmailAdapter(ChannelAdapter):
    """Replies, forwards and automatic mail by SMTP."""

    kind = "email"
    label = _("Email")
    message_kind = "email"
    sends_to_addresses = True  # explicit To/CC/BCC on a ticket of another channel (a forward) go out here

    def send(self, message) -> SendResult:
        ticket = message.ticket
        mailbox = ticket_mailbox(ticket)
        own = OwnAddresses(ticket.account)
        mail, rcpts, message_id = compose(message, mailbox, own)
        data = dkim.sign_for_mailbox(mail.as_bytes(), mailbox)
        automatic = bool((message.meta or {}).get("automatic"))
        envelope_from = "" if automatic else (mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL)
        sending.send_bytes(mailbox, envelope_from=envelope_from, recipients=rcpts, data=data, subject=mail["Subject"])
        return SendResult(external_id=message_id)


def register(registry) -> None:
    registry.register(EmailAdapter())
