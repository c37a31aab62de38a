"""The built-in SMTP receiver, driven with smtplib: RCPT checks, one ticket per account, 552, 451."""

from __future__ import annotations

import smtplib

import pytest

from helpline.channels.email.actions import add_accepted_domain, create_mailbox, update_mailbox
from helpline.channels.email.transports import smtpd
from helpline.channels.email.transports.tests import corpus
from helpline.channels.email.transports.tests.servers import free_port
from helpline.conversations.models import Message, Ticket
from helpline.ingest.models import InboundRecord

pytestmark = pytest.mark.django_db(transaction=True)  # the receiver stores from its own threads


@pytest.fixture
def receiver():
    server = smtpd.controller(host="127.0.0.1", port=free_port(), max_size=100_000)
    server.start()
    yield server
    server.stop()
    server.handler.close()


@pytest.fixture
def client(receiver):
    with smtplib.SMTP(receiver.hostname, receiver.port, timeout=10) as conn:
        conn.ehlo("sender.example")
        yield conn


@pytest.fixture
def mailboxes(account, other_account):
    return {
        "acme-support": create_mailbox(account=account, name="Support", address="support@acme.test"),
        "acme-sales": create_mailbox(account=account, name="Sales", address="sales@acme.test"),
        "globex": create_mailbox(account=other_account, name="Help", address="help@globex.test"),
    }


def inbound(account) -> list[Message]:
    return list(Message.objects.filter(ticket__account=account, direction="in").order_by("id"))


def test_unknown_recipients_are_refused_at_rcpt_and_nothing_is_stored(client, mailboxes):
    assert client.mail("dana@example.com")[0] == 250
    assert client.rcpt("nobody@acme.test") == (550, b"5.1.1 <nobody@acme.test>: no such mailbox here")
    assert client.rcpt("support@elsewhere.test")[0] == 550
    update_mailbox(mailbox=mailboxes["acme-sales"], is_active=False)
    assert client.rcpt("sales@acme.test")[0] == 550  # an inactive mailbox takes no mail
    assert client.rcpt("support@acme.test") == (250, b"2.1.5 OK")
    assert client.data(corpus.simple(1))[0] == 250
    assert InboundRecord.objects.count() == 1


def test_mail_to_two_accounts_is_a_ticket_in_each(client, mailboxes, account, other_account):
    refused = client.sendmail("dana@example.com", ["support@acme.test", "help@globex.test"], corpus.simple(1))
    assert refused == {}
    for owner, address in ((account, "support@acme.test"), (other_account, "help@globex.test")):
        (message,) = inbound(owner)
        assert (message.ticket.subject, message.meta["envelope_to"]) == ("Question 1", [address])


def test_mail_to_two_mailboxes_of_one_account_is_one_ticket(client, mailboxes, account):
    client.mail("dana@example.com")
    client.rcpt("support@acme.test")
    client.rcpt("SALES@acme.test")
    code, answer = client.data(corpus.simple(1))
    (record,) = InboundRecord.objects.all()
    assert (code, answer) == (250, f"2.0.0 OK stored as {record.public_id}".encode())
    (message,) = inbound(account)
    assert message.meta["envelope_to"] == ["support@acme.test", "SALES@acme.test"]
    assert message.meta["mailbox"] == mailboxes["acme-support"].public_id


def test_accepted_domains_and_sub_addresses(client, mailboxes, account):
    add_accepted_domain(mailbox=mailboxes["acme-sales"], domain="Acme-Mail.test")
    refused = client.sendmail("dana@example.com", ["anyone@acme-mail.test"], corpus.simple(1))
    refused.update(client.sendmail("dana@example.com", ["support+billing@acme.test"], corpus.simple(2)))
    assert refused == {}
    first, second = inbound(account)
    assert (first.meta["mailbox"], first.meta["envelope_to"]) == (
        mailboxes["acme-sales"].public_id,
        ["anyone@acme-mail.test"],
    )
    assert second.meta["mailbox"] == mailboxes["acme-support"].public_id


def test_too_large_is_552_and_not_stored(client, mailboxes):
    assert b"SIZE 100000" in client.ehlo_resp  # advertised, so senders can refuse before sending
    client.mail("dana@example.com")
    client.rcpt("support@acme.test")
    code, _answer = client.data(corpus.simple(1) + (b"x" * 76 + b"\r\n") * 1400)
    assert code == 552
    assert InboundRecord.objects.count() == 0


def test_storage_failure_is_451_and_the_retry_makes_one_ticket(client, mailboxes, account, settings):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "raw").write_text("a file where the raw store's directory should be")
    client.mail("dana@example.com")
    client.rcpt("support@acme.test")
    assert client.data(corpus.simple(1)) == (451, smtpd.TEMPFAIL[4:].encode())
    assert (InboundRecord.objects.count(), Ticket.objects.count()) == (0, 0)

    (settings.MEDIA_ROOT / "raw").unlink()
    assert client.sendmail("dana@example.com", ["support@acme.test"], corpus.simple(1)) == {}
    assert [m.ticket.subject for m in inbound(account)] == ["Question 1"]
