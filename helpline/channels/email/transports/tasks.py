"""Background fetching: one Huey task per mailbox, a periodic poll, and the IDLE manager's start-up hook.

* ``poll_mailboxes`` (periodic, every minute, run by the consumer that has the scheduler) enqueues
  ``fetch_mailbox`` for every active IMAP/POP3 mailbox that no IDLE watcher holds. The tasks run in
  parallel on the consumer's workers; a lease (``locks.Lease`` on ``HUEY.lock_task``'s key) makes sure one
  mailbox is never fetched twice at once.
* The IDLE manager (``idle.IdleManager``) starts with every task consumer — ``helpline serve`` (embedded
  worker threads) and ``helpline worker`` — through ``HUEY.on_startup`` and stops with it. Set
  ``EMAIL_IMAP_IDLE = False`` in the settings to rely on polling alone.
"""

from __future__ import annotations

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports import idle
from helpline.channels.email.transports.fetch import fetch_mailbox as fetch


@db_task()
def fetch_mailbox(mailbox_id: int) -> str:
    """Idempotent: fetches what is new; a mailbox being fetched elsewhere is skipped."""
    mailbox = Mailbox.objects.select_related("account").filter(pk=mailbox_id, is_active=True).first()
    if mailbox is None or mailbox.inbound not in (Mailbox.IMAP, Mailbox.POP3):
        return "skipped"
    report = fetch(mailbox)
    return "busy" if report is None else f"fetched {report.fetched}"


@db_periodic_task(crontab(minute="*"))
def poll_mailboxes() -> int:
    """Enqueue a fetch for every mailbox without an IDLE watcher; returns how many."""
    ids = Mailbox.objects.filter(is_active=True, inbound__in=[Mailbox.IMAP, Mailbox.POP3]).values_list("pk", flat=True)
    queued = 0
    for mailbox_id in ids:
        if not idle.is_watched(mailbox_id):
            fetch_mailbox(mailbox_id)
            queued += 1
    return queued


@HUEY.on_startup("email-idle")
def start_idle() -> None:
    if getattr(settings, "EMAIL_IMAP_IDLE", True) and not HUEY.immediate:
        idle.start_manager()


@HUEY.on_shutdown("email-idle")
def stop_idle() -> None:
    idle.stop_manager()
