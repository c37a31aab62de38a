"""Nothing lost, nothing doubled: the fetcher is killed (os._exit, in a subprocess) at every step, then rerun.

Each scenario has an account, a Dovecot user with three messages and a mailbox of its own; the killed fetches
run in parallel (children forked by one runner process), then that process fetches every mailbox again and
reports. Every message in Dovecot must be
exactly one message in Helpline, and the server copy must end up as the mailbox's after-import says.
"""

from __future__ import annotations

import json

import pytest

from helpline.channels.email.transports.tests import corpus
from helpline.channels.email.transports.tests.runner import CRASH_EXIT
from helpline.channels.email.transports.tests.servers import MailUser

pytestmark = pytest.mark.multiprocess

SCENARIOS = [
    # slug,           protocol, after import, crash point, at which call
    ("crash-fetched", "imap", "move", "fetched", 2),
    ("crash-stored", "imap", "seen", "stored", 2),
    ("crash-parsed", "imap", "delete", "parsed", 2),
    ("crash-committed", "imap", "move", "committed", 1),
    ("crash-kept", "imap", "keep", "stored", 3),
    ("crash-pop3", "pop3", "delete", "committed", 1),
]
# After the rerun: (records processed, of which duplicates, orphaned "stored" records of the killed attempt).
# IMAP delivers in groups of two here (runner.py): messages 1 and 2 together, then 3.
EXPECTED_RECORDS = {
    "crash-fetched": (5, 2, 0),  # group 1-2 committed, not yet moved: both fetched again as duplicates
    "crash-stored": (3, 0, 2),  # group 1-2 stored, killed parsing 2: nothing delivered, both come again
    "crash-parsed": (3, 0, 2),  # the group's transaction died with the process: 1 and 2 stored, not delivered
    "crash-committed": (6, 3, 0),  # all three committed, none moved: three duplicates, then moved
    "crash-kept": (3, 0, 1),  # "keep" saves progress per group: only message 3 comes again
    "crash-pop3": (4, 1, 0),  # DELE follows each message: killed at the first, so message 1 comes again
}


def test_killed_at_every_step_then_rerun_loses_nothing_and_doubles_nothing(isolated, dovecot):
    users = {}
    spec = []
    for slug, protocol, after_import, point, at in SCENARIOS:
        user = users[slug] = dovecot.new_user()
        port = dovecot.ports[f"{protocol}s"]
        mailbox = {
            "name": slug,
            "address": f"support@{slug}.test",
            "inbound": protocol,
            "host": "127.0.0.1",
            "port": port,
            "security": "ssl",
            "username": user,
            "password": "correct-horse-mail",
            "after_import": after_import,
            "move_to_folder": "Done" if after_import == "move" else "",
        }
        spec.append({"slug": slug, "mailbox": mailbox, "crash": [point, at]})
    mail_users = {slug: MailUser(server=dovecot, name=name) for slug, name in users.items()}
    for slug, user in mail_users.items():
        user.append(*[corpus.simple(n, tag=slug) for n in (1, 2, 3)])

    result = isolated.script("crash", json.dumps(spec), env={"SSL_CERT_FILE": str(dovecot.ca_file)})

    assert result["exits"] == dict.fromkeys(mail_users, CRASH_EXIT)  # every child died at its point
    assert result["errors"] == dict.fromkeys(mail_users, "")  # and every rerun went through
    report = result["report"]
    for slug, protocol, after_import, _point, _at in SCENARIOS:
        got = report[slug]
        expected_ids = [f"<{slug}-{n}@example.com>" for n in (1, 2, 3)]
        assert (got["tickets"], got["messages"]) == (3, expected_ids), slug
        processed, duplicates, orphans = EXPECTED_RECORDS[slug]
        assert got["records"] == {"processed": processed, **({"stored": orphans} if orphans else {})}, slug
        assert got["duplicates"] == duplicates, slug
        inbox, done = mail_users[slug].state(), mail_users[slug].state("Done")
        expected_inbox = {
            "move": {},
            "delete": {},
            "seen": {1: {"\\Seen"}, 2: {"\\Seen"}, 3: {"\\Seen"}},
            "keep": {1: set(), 2: set(), 3: set()},
        }[after_import]
        assert inbox == expected_inbox, slug
        assert done == ({1: set(), 2: set(), 3: set()} if after_import == "move" else {}), slug
        assert got["last_uid"] == (3 if protocol == "imap" else 0), slug
