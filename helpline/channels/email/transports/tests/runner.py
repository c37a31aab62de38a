"""Run in a subprocess by the tests (``python -m …tests.runner COMMAND ARGS``); prints one JSON document.

    setup SPEC_JSON         accounts and mailboxes: [{"slug", "mailbox": {create_mailbox fields}}] → {slug: id}
    fetch MAILBOX_ID        one fetch → the report and the mailbox's last_error
    report SLUG…            what each account holds: tickets, inbound message ids, record states
    crash SPEC_JSON         setup, then for each item a forked child fetches its mailbox and dies (os._exit) at
                            item["crash"] = [POINT, AT]; once all are dead every mailbox is fetched again here
                            → {"exits": {slug: code}, "errors": {slug: last_error}, "report": {…}}

Crash points, each reached for the AT-th time (1-based):
    fetched    fetched, not yet stored     (before receive_emails: IMAP's AT-th group; POP3: before receive_email)
    stored     its raw bytes are stored and committed         (before parsing)
    parsed     parsed and written, the transaction still open (after conversations.receive_message)
    committed  the batch is committed, the server not touched (before flag / move / delete; POP3: before DELE)

IMAP delivers its fetched messages two at a time here (``DELIVER_EVERY``), so a crash can fall between groups.
"""

from __future__ import annotations

import json
import os
import sys

CRASH_EXIT = 86


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.config.settings")
    import django

    django.setup()


def _dies_on(owner, names: str | tuple[str, ...], at: int, *, after: bool = False) -> None:
    """Replace ``owner.name`` (each of ``names``) with a wrapper that kills the process on the ``at``-th call of
    any of them."""
    calls = {"n": 0}

    def dying(real):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == at and not after:
                os._exit(CRASH_EXIT)
            result = real(*args, **kwargs)
            if calls["n"] == at:
                os._exit(CRASH_EXIT)
            return result

        return wrapper

    for name in (names,) if isinstance(names, str) else names:
        setattr(owner, name, dying(getattr(owner, name)))


def install_crash(point: str, at: int) -> None:
    import poplib

    from helpline.channels.email import inbound
    from helpline.channels.email.transports import delivery, imap
    from helpline.conversations import actions as conversations

    imap.DELIVER_EVERY = 2
    if point == "fetched":
        _dies_on(delivery, "receive_email", at)
        _dies_on(delivery, "receive_emails", at)
    elif point == "stored":
        _dies_on(inbound, "parse_email", at)
    elif point == "parsed":
        _dies_on(conversations, ("receive_message", "open_ticket"), at, after=True)  # a reply, a new ticket
    elif point == "committed":
        _dies_on(imap, "apply_after_import", at)
        _dies_on(poplib.POP3, "dele", at)
    else:
        raise SystemExit(f"unknown crash point {point!r}")


def setup(spec: list[dict]) -> dict:
    from django.conf import settings

    from helpline.channels.email.actions import create_mailbox
    from helpline.tenancy.actions import create_account

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # owners' logins: not tested
    made = {}
    for item in spec:
        account, _owner, _password = create_account(
            slug=item["slug"], name=item["slug"].title(), owner_email=f"owner@{item['slug']}.test", plan="enterprise"
        )
        mailbox = create_mailbox(account=account, **item["mailbox"])
        made[item["slug"]] = mailbox.pk
    return made


def fetch(mailbox_id: int) -> dict:
    from helpline.channels.email.models import Mailbox
    from helpline.channels.email.transports.fetch import fetch_mailbox

    mailbox = Mailbox.objects.select_related("account").get(pk=mailbox_id)
    report = fetch_mailbox(mailbox)
    mailbox.refresh_from_db()
    return {"report": None if report is None else vars(report), "last_error": mailbox.last_error}


def report(slugs: list[str]) -> dict:
    from django.db.models import Count

    from helpline.channels.email.models import Mailbox
    from helpline.conversations.models import Message, Ticket
    from helpline.ingest.models import InboundRecord

    out = {}
    for slug in slugs:
        inbound = Message.objects.filter(ticket__account__slug=slug, direction="in")
        records = InboundRecord.objects.filter(account__slug=slug)
        mailbox = Mailbox.objects.filter(account__slug=slug).first()
        out[slug] = {
            "tickets": Ticket.objects.filter(account__slug=slug).count(),
            "messages": sorted(inbound.values_list("external_id", flat=True)),
            "records": {r["state"]: r["n"] for r in records.values("state").annotate(n=Count("id"))},
            "duplicates": records.filter(thread_reason="duplicate").count(),
            "last_uid": mailbox.last_uid if mailbox else None,
        }
    return out


def crash(spec: list[dict]) -> dict:
    """Children forked from this process, so each dies fast and without importing Django again."""
    from django.db import connections

    ids = setup(spec)
    connections.close_all()  # a child must not share the parent's database connection
    children = {}
    for item in spec:
        pid = os.fork()
        if pid == 0:
            try:
                install_crash(*item["crash"])
                fetch(ids[item["slug"]])
            finally:
                os._exit(0)  # reached only when the crash point was not
        children[item["slug"]] = pid
    exits = {slug: os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for slug, pid in children.items()}
    errors = {slug: fetch(mailbox_id)["last_error"] for slug, mailbox_id in ids.items()}
    return {"exits": exits, "errors": errors, "report": report(list(ids))}


def main(argv: list[str]) -> None:
    _setup_django()
    command, args = argv[0], argv[1:]
    if command == "setup":
        result = setup(json.loads(args[0]))
    elif command == "fetch":
        result = fetch(int(args[0]))
    elif command == "report":
        result = report(args)
    elif command == "crash":
        result = crash(json.loads(args[0]))
    else:
        raise SystemExit(f"unknown command {command!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
