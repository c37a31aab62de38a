"""``helpline ingest-email``: the MTA pipe target. Exit codes follow sysexits.h, as MTAs expect.

0 stored (a ticket, a duplicate of one, or quarantined with the raw kept); 75 (EX_TEMPFAIL) when it could
not be stored — database unreachable, disk full, configuration unreadable — so the MTA keeps the mail and
retries; 67 (EX_NOUSER) for an unknown account or mailbox; 65 (EX_DATAERR) for empty input; 64 (EX_USAGE)
for wrong arguments. Every failure prints one line on stderr, which the MTA logs or puts in its bounce.

Postfix, for example (master.cf, then ``transport_maps`` or a ``mailbox_command``)::

    helpline unix - n n - - pipe flags=Rq user=helpline argv=/opt/helpline/.venv/bin/helpline ingest-email
        --account acme --mailbox ${recipient}
"""

from __future__ import annotations

import sys
from typing import TextIO

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

EX_OK, EX_USAGE, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 64, 65, 67, 75


def _say(stderr: TextIO, message) -> None:
    print(f"helpline ingest-email: {message}", file=stderr)


def ingest_from_pipe(*, account_slug: str, mailbox_address: str | None, raw: bytes, stderr: TextIO = sys.stderr) -> int:
    from helpline.channels.email.models import Mailbox
    from helpline.channels.email.transports.delivery import TemporaryFailure, ingest
    from helpline.tenancy.models import Account

    if not raw.strip():
        _say(stderr, _("no message on standard input"))
        return EX_DATAERR
    try:
        account = Account.objects.filter(slug=account_slug).first()
        if account is None:
            _say(stderr, _("no account with slug %(slug)s") % {"slug": account_slug})
            return EX_NOUSER
        mailbox = None
        if mailbox_address:
            address = mailbox_address.strip().lower()
            mailbox = Mailbox.objects.filter(account=account, address__iexact=address).first()
            if mailbox is None:
                text = _("account %(slug)s has no mailbox %(address)s") % {"slug": account_slug, "address": address}
                _say(stderr, text)
                return EX_NOUSER
        ingest(account=account, raw=raw, mailbox=mailbox, envelope=(mailbox.address,) if mailbox else ())
    except TemporaryFailure as exc:
        _say(stderr, exc.message)
        return EX_TEMPFAIL
    except (OperationalError, InterfaceError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        _say(stderr, _("Temporary failure: the database is not available (%(reason)s).") % {"reason": first})
        return EX_TEMPFAIL
    return EX_OK
