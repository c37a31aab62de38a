"""``helpline ingest-email``: exit codes an MTA relies on, in-process and as a real subprocess."""

from __future__ import annotations

import io
import json

import pytest

from helpline.channels.email.actions import create_mailbox
from helpline.channels.email.transports.pipe import ingest_from_pipe
from helpline.channels.email.transports.tests import corpus
from helpline.channels.email.transports.tests.isolated import helpline_command
from helpline.conversations.models import Ticket
from helpline.ingest.models import InboundRecord


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "mailbox", "raw", "code", "line"),
    [
        ("nobody", None, corpus.simple(1), 67, "helpline ingest-email: no account with slug nobody\n"),
        ("acme", "sales@acme.test", corpus.simple(1), 67, "helpline ingest-email: account acme has no mailbox sales@acme.test\n"),  # noqa: E501
        ("acme", None, b"  \r\n", 65, "helpline ingest-email: no message on standard input\n"),
    ],
)  # fmt: skip
def test_refusals_say_why_in_one_line_and_store_nothing(account, slug, mailbox, raw, code, line):
    stderr = io.StringIO()
    assert ingest_from_pipe(account_slug=slug, mailbox_address=mailbox, raw=raw, stderr=stderr) == code
    assert stderr.getvalue() == line
    assert (InboundRecord.objects.count(), Ticket.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_stored_with_the_mailbox_as_envelope_recipient(account):
    mailbox = create_mailbox(account=account, name="Support", address="Support@Acme.test")
    stderr = io.StringIO()
    raw = corpus.load("mikel-mail/plain_emails/basic_email.eml")
    assert ingest_from_pipe(account_slug="acme", mailbox_address="support@acme.TEST", raw=raw, stderr=stderr) == 0
    assert stderr.getvalue() == ""
    message = Ticket.objects.get(account=account).messages.get(direction="in")
    assert (message.meta["mailbox"], message.meta["envelope_to"]) == (mailbox.public_id, ["support@acme.test"])


STORAGE = "the mail could not be written to storage"
REQUIRED = "the following arguments are required:"


@pytest.mark.multiprocess
def test_the_command_exits_0_when_stored_and_75_when_it_must_be_retried(isolated, tmp_path):
    isolated.script("setup", json.dumps([{"slug": "pipe", "mailbox": {"name": "In", "address": "in@pipe.test"}}]))
    raw = corpus.with_message_id(corpus.load("zammad/mail001.box"), "pipe-1@example.com")
    args = ["ingest-email", "--account", "pipe", "--mailbox", "in@pipe.test"]
    broken_store = tmp_path / "broken"  # a file where the raw store's directory must be: writing fails (ENOTDIR)
    (broken_store / "media").mkdir(parents=True)
    (broken_store / "media" / "raw").write_text("not a directory")
    database = isolated.env.get("HELPLINE_DATABASE_URL") or f"sqlite:///{isolated.root}/data/helpline.sqlite3"
    runs = {
        "database down": ({"HELPLINE_DATABASE_URL": "postgres://helpline@127.0.0.1:1/helpline"}, args),
        "disk broken": ({"HELPLINE_DATA_DIR": str(broken_store), "HELPLINE_DATABASE_URL": database}, args),
        "no account": ({}, ["ingest-email", "--mailbox", "in@pipe.test"]),
    }
    procs = {name: isolated.spawn(*helpline_command(), *argv, stdin=raw, env=env) for name, (env, argv) in runs.items()}
    first = isolated.helpline(*args, stdin=raw)
    again = isolated.helpline(*args, stdin=raw)  # the MTA delivered it twice
    outcome = {name: (p.communicate(timeout=60)[1].decode(), p.returncode)[::-1] for name, p in procs.items()}

    assert (first.returncode, first.stdout, first.stderr) == (0, b"", b"")
    assert (again.returncode, again.stderr) == (0, b"")
    code, err = outcome["database down"]
    assert (code, err.count("\n")) == (75, 1)
    assert err.startswith("helpline ingest-email: Temporary failure: the database is not available (connection")
    code, err = outcome["disk broken"]
    assert (code, err) == (75, f"helpline ingest-email: Temporary failure: {STORAGE} (Not a directory).\n")
    code, err = outcome["no account"]
    assert (code, err.splitlines()[-1]) == (64, f"helpline ingest-email: error: {REQUIRED} --account")
    report = isolated.script("report", "pipe")["pipe"]
    assert report == {
        "tickets": 1,
        "messages": ["<pipe-1@example.com>"],
        "records": {"processed": 2},  # the retry kept its raw copy, as a duplicate of the first
        "duplicates": 1,
        "last_uid": 0,
    }
