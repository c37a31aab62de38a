"""Delivery status notifications: a bounce marks the delivery of the message it returns, never opens a ticket.

The DSN's original Message-ID (``ParsedEmail.bounced_message_id``) is looked up among the account's outbound
messages (their ``external_id`` is the Message-ID we sent). A failure (5.x.x, or any action other than
"delayed") marks that message's delivery failed with the status code and the recipients; a delay (4.x.x /
"delayed") is noted and changes nothing. A report for a message Helpline did not send is quarantined with the
reason, so an admin can look at it, and opens no ticket.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from helpline.conversations import actions as conversations
from helpline.conversations.models import Message
from helpline.conversations.statuses import Delivery, Direction
from helpline.ingest.pipeline import IngestResult, finish, quarantine

log = logging.getLogger(__name__)


def bounced_message(account_id: int, message_id: str) -> Message | None:
    if not message_id:
        return None
    return (
        Message.objects.filter(account_id=account_id, direction=Direction.OUTBOUND, external_id=message_id)
        .order_by("-id")
        .first()
    )


def is_delay(parsed) -> bool:
    return parsed.bounce_action == "delayed" or parsed.bounce_status.startswith("4")


def failure_text(parsed) -> str:
    recipients = ", ".join(parsed.bounce_recipients) or _("unknown recipient")
    status = parsed.bounce_status or _("no status code")
    return _("Bounced: %(status)s (%(recipients)s)") % {"status": status, "recipients": recipients}


def handle_bounce(record, parsed) -> IngestResult:
    """Never raises: anything unexpected quarantines the report with its raw source kept."""
    try:
        message = bounced_message(record.account_id, parsed.bounced_message_id)
        if message is None:
            reason = _("Delivery report for a message Helpline did not send (%(id)s).") % {
                "id": parsed.bounced_message_id or _("no Message-ID given")
            }
            record = quarantine(record, reason, thread_reason="bounce_unmatched")
            return IngestResult(record=record, message=None, duplicate=False, thread_reason="bounce_unmatched")
        if is_delay(parsed):
            record = finish(record, message, "bounce_delayed")
            return IngestResult(record=record, message=message, duplicate=False, thread_reason="bounce_delayed")
        conversations.record_delivery(message=message, status=Delivery.FAILED, error=failure_text(parsed))
        record = finish(record, message, "bounce")
        return IngestResult(record=record, message=message, duplicate=False, thread_reason="bounce")
    except Exception as exc:
        log.exception("delivery report %s quarantined", record.public_id)
        record = quarantine(record, repr(exc), thread_reason="quarantined")
        return IngestResult(record=record, message=None, duplicate=False, thread_reason="quarantined")
