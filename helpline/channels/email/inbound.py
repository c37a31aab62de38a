"""Raw email → ticket. Every path in (IMAP, POP3, the SMTP receiver, the MTA pipe) calls ``receive_email``.

Order: the raw bytes are stored (fsynced, committed) → parsed → a delivery report is matched to the message it
bounces (never a ticket) → spamd is asked (when the mailbox filters spam) → the pipeline threads and stores it
under the email policy (``policy.py``) → a new ticket is acknowledged in the same commit unless loop protection
forbids it.

Hostile HTML is neutralised before it is stored: scripts, event handlers, ``javascript:`` links and all CSS go
(the shared sanitiser), and no image loads from anywhere by itself. A remote image (``http:``, ``https:``,
``//host``) becomes a link to it, ``[alt text]`` with the title "Remote image, not loaded", so tracking pixels
fire only if the agent chooses to open one; an image with any other source loses it; inline ``cid:`` images
become the attachment's authorised URL ``/agent/files/<attachment public id>/`` once stored (pipeline).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import logging
import re

from django.db import DatabaseError
from django.utils.translation import gettext as _

from helpline.channels.email import bounces, loops, spam
from helpline.channels.email.parsing import ParsedEmail, fold_quoted_html, parse_email
from helpline.channels.email.policy import EmailPolicy, OwnAddresses
from helpline.conversations.html import QUOTE_MARKER, sanitize_html
from helpline.ingest.pipeline import (
    InboundAttachment,
    InboundMessage,
    IngestResult,
    deliver_batch,
    quarantine,
    store_raws,
)

log = logging.getLogger(__name__)
MAX_META_REFERENCES = 20
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z][a-zA-Z0-9-]*)="([^"]*)"')


def receive_email(*, account, raw: bytes, mailbox=None, envelope_recipients: tuple[str, ...] = ()) -> IngestResult:
    """One mail: a batch of one (``receive_emails``). Never raises on bad mail."""
    return receive_emails(account=account, raws=[raw], mailbox=mailbox, envelope_recipients=envelope_recipients)[0]


def receive_emails(
    *, account, raws: list[bytes], mailbox=None, envelope_recipients: tuple[str, ...] = ()
) -> list[IngestResult]:
    """Several mails that arrived together (an IMAP fetch, a queue drain): every raw stored first (fsynced,
    committed), then each parsed, then all delivered in one batch (``ingest.pipeline.deliver_batch``: one
    transaction, shared lookups, a savepoint per mail). One result per raw, in order. Never raises on bad mail;
    a temporary database failure (``DatabaseError``) is raised with the raws stored, so nothing is lost."""
    records = store_raws(account=account, channel="email", raws=raws, source=mailbox.public_id if mailbox else "")
    results: list[IngestResult | None] = [None] * len(raws)
    own = OwnAddresses(account)  # the account's addresses and agents, looked up once for the batch
    pending: list[tuple[int, object, object]] = []
    for index, (record, raw) in enumerate(zip(records, raws, strict=True)):
        parsed = parse_email(raw)
        if parsed.is_bounce:
            results[index] = bounces.handle_bounce(record, parsed)
            continue
        try:
            inbound = _prepare(account, parsed, raw, mailbox, envelope_recipients, own)
        except DatabaseError:
            raise  # temporary: the transport leaves the mail where it is and tries again
        except Exception as exc:  # a bug, not bad mail: keep the raw source, quarantined, and carry on
            log.exception("inbound %s quarantined before delivery", record.public_id)
            results[index] = IngestResult(
                record=quarantine(record, repr(exc)), message=None, duplicate=False, thread_reason="quarantined"
            )
            continue
        pending.append((index, record, inbound))
        del parsed
    delivered = deliver_batch([(record, inbound) for _index, record, inbound in pending])
    for (index, _record, _inbound), result in zip(pending, delivered, strict=True):
        results[index] = result
    return results


def _prepare(account, parsed: ParsedEmail, raw: bytes, mailbox, envelope, own: OwnAddresses) -> InboundMessage:
    verdict = spam.check_mailbox(mailbox, raw)
    suppressed = _suppressed(account, parsed, own, verdict)
    return to_inbound(
        account, parsed, raw, mailbox=mailbox, envelope=envelope, verdict=verdict, own=own, suppressed=suppressed
    )


def _suppressed(account, parsed: ParsedEmail, own: OwnAddresses, verdict) -> str:
    """Why this mail must get no automatic answer whatever happens to it; "" when it may get one."""
    if verdict is not None and verdict.is_spam:
        return "spam"
    reason = loops.header_reason(parsed) or loops.recipient_reason(parsed.from_address, own)
    if reason:
        return reason
    return "agent_sender" if (parsed.from_address or "").strip().lower() in own.agent_emails else ""


def neutralise_html(raw_html: str) -> str:
    """The shared sanitiser, then no image loads by itself (see the module docstring).

    The quoted history is found first, on the mail as sent (sanitising drops the classes and ids mail clients
    mark it with), and wrapped in ``<div data-helpline-quoted>`` so the workspace can fold it; nothing is cut."""
    if not raw_html.strip():
        return ""
    visible, quoted = fold_quoted_html(raw_html)
    if quoted:
        raw_html = f'{visible}<div {QUOTE_MARKER}="">{quoted}</div>'
    title = html_lib.escape(_("Remote image, not loaded"))

    def replace(match: re.Match) -> str:
        attrs = {k.lower(): html_lib.unescape(v) for k, v in _ATTR.findall(match.group(0))}
        src, alt = attrs.get("src", "").strip(), attrs.get("alt", "")
        if src.lower().startswith("cid:"):
            return match.group(0)
        if src.lower().startswith(("http://", "https://", "//")):
            href = "https:" + src if src.startswith("//") else src
            label = alt.strip() or _("image")
            return f'<a href="{html_lib.escape(href)}" title="{title}">[{html_lib.escape(label)}]</a>'
        return f'<img alt="{html_lib.escape(alt)}">' if alt else ""

    return _IMG.sub(replace, sanitize_html(raw_html))


def to_inbound(
    account, parsed: ParsedEmail, raw: bytes, *, mailbox=None, envelope=(), verdict=None, own=None, suppressed=""
) -> InboundMessage:
    to = [addr for _name, addr in parsed.to if addr]
    cc = [addr for _name, addr in parsed.cc if addr]
    meta = {
        "to": to,
        "cc": cc,
        "mailbox": mailbox.public_id if mailbox else "",
        "envelope_to": list(envelope),
        "in_reply_to": parsed.in_reply_to[:MAX_META_REFERENCES],
        "references": parsed.references[-MAX_META_REFERENCES:],
        "parse_errors": parsed.parse_errors,
    }
    if verdict is not None:
        meta.update(verdict.as_meta())
    automated = loops.header_reason(parsed)
    if automated:
        meta["automated"] = automated
    if suppressed:
        meta["auto_reply_suppressed"] = suppressed
    policy = EmailPolicy(
        mailbox=mailbox,
        to=[(name, addr) for name, addr in parsed.to if addr],
        cc=[(name, addr) for name, addr in parsed.cc if addr],
        token_values=[*parsed.in_reply_to, *parsed.references, *parsed.reply_tokens],
        is_spam=bool(verdict and verdict.is_spam),
        own=own or OwnAddresses(account),
        acknowledge_to=parsed.from_address or "",
        suppressed=suppressed,
    )
    return InboundMessage(
        account=account,
        channel="email",
        kind="email",
        sender_kind="email",
        sender_value=parsed.from_address or "unknown-sender@invalid",
        sender_name=parsed.from_name,
        subject=parsed.subject,
        text=parsed.text,
        html=neutralise_html(parsed.html),
        external_id=parsed.message_id or _fallback_id(parsed),
        references=parsed.thread_references,
        in_reply_to=parsed.in_reply_to,
        raw=raw,
        attachments=[
            InboundAttachment(a.name, a.content_type, a.content, a.content_id if a.inline else "")
            for a in parsed.attachments
        ],
        meta=meta,
        policy=policy,
        brand=mailbox.brand if mailbox else None,
        department=mailbox.department if mailbox else None,
    )


def _fallback_id(parsed: ParsedEmail) -> str:
    """A mail without Message-ID (but with From and Date) still gets a stable id: copies make one ticket."""
    if not parsed.date or not parsed.from_address:
        return ""
    basis = "\x00".join(
        [
            parsed.from_address,
            parsed.date.isoformat() if parsed.date else "",
            parsed.subject,
            ",".join(a for _n, a in parsed.to),
            parsed.text[:100000],
        ]
    )
    return f"<{hashlib.sha256(basis.encode('utf-8', 'surrogatepass')).hexdigest()[:40]}@no-message-id.helpline>"
