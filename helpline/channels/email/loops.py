"""Mail loop and bulk protection: when Helpline must not answer automatically, and how often it may.

Never answered automatically (RFC 3834 and the vendor headers in use): ``Auto-Submitted`` other than "no",
``Precedence: bulk | junk | list | auto_reply``, any ``X-Autoreply`` / ``X-Autorespond``, an
``X-Auto-Response-Suppress`` asking for no auto replies (All, AutoReply, OOF), a ``List-Id``, delivery reports,
a null ``Return-Path`` (``<>``), mail from the account's own mailboxes, from its agents, spam, and mail from
system addresses (mailer-daemon, postmaster, no-reply…). What Helpline sends by itself is limited per ticket and
per recipient (``AutoReplyLog``); the limits can be changed in settings (``HELPLINE_AUTO_REPLY_*``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Count

from helpline.channels.email.models import AutoReplyLog
from helpline.core import clock
from helpline.ingest import batch

MAX_PER_TICKET = 1
TICKET_WINDOW = timedelta(hours=1)
MAX_PER_RECIPIENT = 5
RECIPIENT_WINDOW = timedelta(hours=24)

SYSTEM_LOCAL_PARTS = {
    "mailer-daemon",
    "mailerdaemon",
    "postmaster",
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "bounce",
    "bounces",
    "listserv",
    "majordomo",
    "abuse",
}
SUPPRESS_VALUES = {"all", "autoreply", "oof"}
BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply", "auto-reply"}


def limits() -> tuple[int, timedelta, int, timedelta]:
    """(per ticket, ticket window, per recipient, recipient window), settings overriding the defaults."""
    return (
        getattr(settings, "HELPLINE_AUTO_REPLY_MAX_PER_TICKET", MAX_PER_TICKET),
        getattr(settings, "HELPLINE_AUTO_REPLY_TICKET_WINDOW", TICKET_WINDOW),
        getattr(settings, "HELPLINE_AUTO_REPLY_MAX_PER_RECIPIENT", MAX_PER_RECIPIENT),
        getattr(settings, "HELPLINE_AUTO_REPLY_RECIPIENT_WINDOW", RECIPIENT_WINDOW),
    )


def header_reason(parsed) -> str:
    """Why the headers of this mail forbid an automatic answer; "" when they do not."""
    auto = parsed.auto_submitted.strip().lower()
    if auto and auto != "no":
        return "auto_submitted"
    if parsed.precedence.strip().lower() in BULK_PRECEDENCE:
        return "precedence"
    if parsed.x_autoreply.strip():
        return "x_autoreply"
    suppress = {v.strip().lower() for v in parsed.x_auto_response_suppress.split(",")}
    if suppress & SUPPRESS_VALUES:
        return "x_auto_response_suppress"
    if parsed.list_id.strip():
        return "list_id"
    if parsed.is_bounce:
        return "bounce"
    if parsed.return_path.strip().replace(" ", "") == "<>":
        return "null_sender"
    return ""


def is_system_address(address: str) -> bool:
    local, at, domain = (address or "").strip().lower().rpartition("@")
    if not at or not local or not domain:
        return True
    local = local.split("+", 1)[0]
    return (
        local in SYSTEM_LOCAL_PARTS
        or local.startswith(("owner-", "bounce-", "bounces-"))
        or local.endswith(("-request", "-owner", "-bounces"))
    )


def recipient_reason(address: str, own) -> str:
    """Why this address must never get an automatic answer; "" when it may."""
    try:
        validate_email(address.strip())
    except ValidationError:
        return "invalid_address"  # nothing could deliver it (a broken or internationalised From we cannot send to)
    if is_system_address(address):
        return "system_address"
    if address.strip().lower() in own:
        return "own_address"
    return ""


def rate_reason(*, account, ticket, recipient: str) -> str:
    """ "ticket_limit" / "recipient_limit" when another automatic answer would be one too many."""
    per_ticket, ticket_window, per_recipient, recipient_window = limits()
    now = clock.now()
    logs = AutoReplyLog.objects.filter
    if ticket is not None and logs(ticket=ticket, sent_at__gte=now - ticket_window).count() >= per_ticket:
        return "ticket_limit"
    recipient = recipient.lower()
    lookups = batch.current(account.pk)
    answered = lookups.answers_to(recipient) if lookups else None
    if answered is None:
        answered = logs(account=account, recipient=recipient, sent_at__gte=now - recipient_window).count()
    if answered >= per_recipient:
        return "recipient_limit"
    return ""


def prefetch_answers(account_id: int, recipients: set[str]) -> None:
    """In a delivery batch: how many automatic answers each address got within the window, in one query (the
    batch then counts its own answers as it sends them). Only where the batch's write transaction admits no
    other writer (SQLite): with row locks, each count is taken under its recipient's lock (``send_automatic``)."""
    if connection.features.has_select_for_update:
        return
    lookups = batch.current(account_id)
    wanted = {r.lower() for r in recipients if r} - set(lookups.answers if lookups else ())
    if lookups is None or not wanted:
        return
    since = clock.now() - limits()[3]
    for part in batch.chunks(sorted(wanted)):
        rows = AutoReplyLog.objects.filter(account_id=account_id, recipient__in=part, sent_at__gte=since)
        counted = dict(rows.values_list("recipient").annotate(n=Count("id")).order_by())
        lookups.answers.update({address: counted.get(address, 0) for address in part})


def log_auto_reply(*, account, ticket, recipient: str, kind: str) -> AutoReplyLog:
    logged = AutoReplyLog.objects.create(account=account, ticket=ticket, recipient=recipient.lower(), kind=kind)
    lookups = batch.current(account.pk)
    if lookups is not None:
        lookups.count_answer(logged.recipient)
    return logged
