"""Email notifications, batched: the first notification of a window starts it; when the window ends, everything
gathered for that agent goes out as one mail. The mail is stored (DigestEmail, ``queued``) before it is sent;
sending goes through the product's outbound SMTP path (channels.email.sending: HELPLINE_SMTP_URL, else Django's
email backend), with an empty envelope sender as all automatic mail, retried with backoff on temporary failures.
Deactivated agents get nothing: their waiting items are dropped when the window ends."""

from __future__ import annotations

import logging
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helpline.core import clock
from helpline.notifications import texts
from helpline.notifications.models import DigestEmail, PendingEmail

log = logging.getLogger(__name__)

WINDOW = timedelta(seconds=60)
MAX_ATTEMPTS = 6
STUCK_AFTER = timedelta(minutes=10)  # a send claimed this long ago whose worker died is tried again


def users_with_pending(account_id: int, user_ids: list[int]) -> set[int]:
    rows = PendingEmail.objects.filter(account_id=account_id, recipient_id__in=user_ids, digest=None)
    return set(rows.values_list("recipient_id", flat=True))


def flush_later(account_id: int, user_id: int) -> None:
    from helpline.notifications.tasks import flush_digest

    delay = int(WINDOW.total_seconds())
    transaction.on_commit(lambda: flush_digest.schedule(args=(account_id, user_id), delay=delay), robust=True)


def _active_address(account_id: int, user_id: int) -> tuple | None:
    from helpline.tenancy.models import Membership

    membership = (
        Membership.objects.filter(account_id=account_id, user_id=user_id, is_active=True, user__is_active=True)
        .select_related("user", "account")
        .first()
    )
    if membership is None or not membership.user.email:
        return None
    return membership.user, membership.account


def _compose_text(user, account, items: list[PendingEmail]) -> tuple[str, str]:
    lines = []
    with texts.in_language_of(user, account):
        for item in items:
            lines += [texts.text_of(item), texts.absolute(texts.ticket_path(item.ticket)), ""]
        if len(items) == 1:
            subject = texts.text_of(items[0])
        else:
            subject = ngettext(
                "%(n)d new notification in %(account)s", "%(n)d new notifications in %(account)s", len(items)
            ) % {"n": len(items), "account": account.name}
        lines += [
            "-- ",
            _("You get these emails because of your notification settings: %(url)s")
            % {"url": texts.absolute(reverse("notifications:preferences"))},
        ]
    return " ".join(subject.split())[:255], "\n".join(lines) + "\n"


@transaction.atomic
def flush(account_id: int, user_id: int, *, now=None) -> DigestEmail | None:
    """Gather the agent's waiting items into one stored mail and send it after commit. Idempotent: nothing waiting,
    nothing done. With ``now``, only when the window of the oldest item has ended."""
    rows = PendingEmail.objects.select_for_update(of=("self",)).filter(
        account_id=account_id, recipient_id=user_id, digest=None
    )
    items = list(rows.select_related("ticket__contact", "actor", "department").order_by("id"))
    if not items or (now is not None and items[0].created_at > now - WINDOW):
        return None
    found = _active_address(account_id, user_id)
    if found is None:
        PendingEmail.objects.filter(pk__in=[i.pk for i in items]).delete()
        return None
    user, account = found
    subject, body = _compose_text(user, account, items)
    digest = DigestEmail.objects.create(
        account_id=account_id, recipient_id=user_id, to_address=user.email, subject=subject, body_text=body
    )
    PendingEmail.objects.filter(pk__in=[i.pk for i in items]).update(digest=digest)
    transaction.on_commit(lambda: _send_soon(digest.pk), robust=True)
    return digest


def _send_soon(digest_id: int) -> None:
    from helpline.notifications.tasks import send_digest_email

    send_digest_email(digest_id)


def mail_bytes(digest: DigestEmail, account_name: str) -> bytes:
    address = settings.DEFAULT_FROM_EMAIL
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = formataddr((account_name, address))
    mail["To"] = digest.to_address
    mail["Subject"] = digest.subject
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = make_msgid(
        idstring=digest.public_id, domain=address.rpartition("@")[2] or "helpline.localhost"
    )
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Auto-Response-Suppress"] = "All"
    mail["X-Helpline-Notification"] = digest.public_id
    mail.set_content(digest.body_text)
    return mail.as_bytes()


def _claim(digest_id: int, now) -> DigestEmail | None:
    """Take a queued (or stuck) mail for this attempt; None when someone else has it or it is done."""
    due = Q(status=DigestEmail.QUEUED) | Q(status=DigestEmail.SENDING, next_attempt_at__lte=now - STUCK_AFTER)
    claimed = DigestEmail.objects.filter(due, pk=digest_id).update(status=DigestEmail.SENDING, next_attempt_at=now)
    if not claimed:
        return None
    return DigestEmail.objects.select_related("account").get(pk=digest_id)


def send(digest_id: int) -> str:
    """One attempt; returns the mail's status afterwards, or "skipped"."""
    from helpline.channels.base import PermanentFailure, TemporaryFailure
    from helpline.channels.email.sending import send_bytes

    now = clock.now()
    digest = _claim(digest_id, now)
    if digest is None:
        return "skipped"
    if _active_address(digest.account_id, digest.recipient_id) is None:
        return _finish(digest, DigestEmail.DROPPED, error="the agent is no longer active")
    attempts = digest.attempts + 1
    try:
        send_bytes(
            None,
            envelope_from="",
            recipients=[digest.to_address],
            data=mail_bytes(digest, digest.account.name),
            subject=digest.subject,
        )
    except PermanentFailure as exc:
        return _finish(digest, DigestEmail.FAILED, attempts=attempts, error=str(exc))
    except TemporaryFailure as exc:
        if attempts >= MAX_ATTEMPTS:
            return _finish(digest, DigestEmail.FAILED, attempts=attempts, error=str(exc))
        retry_at = now + timedelta(seconds=60 * 2**attempts)
        return _finish(digest, DigestEmail.QUEUED, attempts=attempts, error=str(exc), next_attempt_at=retry_at)
    return _finish(digest, DigestEmail.SENT, attempts=attempts, sent_at=clock.now())


def _finish(digest: DigestEmail, status: str, **fields) -> str:
    fields.setdefault("next_attempt_at", None)
    DigestEmail.objects.filter(pk=digest.pk).update(status=status, **fields)
    if status != DigestEmail.SENT:
        log.info("notification digest %s: %s %s", digest.public_id, status, fields.get("error", ""))
    return status


def due_pending(now) -> list[tuple[int, int]]:
    """(account id, user id) of agents whose window has ended but whose digest was not made (a lost task)."""
    rows = PendingEmail.objects.filter(digest=None, created_at__lte=now - WINDOW)
    return sorted(set(rows.values_list("account_id", "recipient_id")))


def due_sends(now) -> list[int]:
    """Mails to try again: queued with their retry time reached (or never tried), or stuck in a dead worker."""
    due = Q(status=DigestEmail.QUEUED) & (Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
    stuck = Q(status=DigestEmail.SENDING, next_attempt_at__lte=now - STUCK_AFTER)
    return list(DigestEmail.objects.filter(due | stuck).order_by("id").values_list("pk", flat=True)[:500])
