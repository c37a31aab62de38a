"""DKIM signing with dkimpy, verified by dkimpy against the published key (DNS lookup replaced)."""

import dkim as dkimpy
import pytest

from helpline.channels.email import dkim
from helpline.channels.email.models import Mailbox
from helpline.channels.email.tests.mail import raw_mail


@pytest.fixture(scope="module")
def private_key():
    return dkim.generate_key()


def dns_for(private_key, selector=b"hl2026", domain=b"acme.test"):
    record = dkim.dns_record(private_key).encode()
    asked = []

    def lookup(name, timeout=5):
        asked.append(name)
        return record if name == selector + b"._domainkey." + domain + b"." else None

    return lookup, asked


def test_replies_are_signed_and_verify(account, mailbox, agent, receive, reply, smtp_sink, private_key):
    Mailbox.objects.filter(pk=mailbox.pk).update(dkim_domain="acme.test", dkim_selector="hl2026")
    mailbox.refresh_from_db()
    mailbox.dkim_private_key = private_key
    mailbox.save(update_fields=["dkim_private_key"])
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    reply(ticket, agent, text="Signed and sealed.")
    raw = smtp_sink.envelopes[-1].original_content
    assert raw.startswith(b"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=acme.test;")
    lookup, asked = dns_for(private_key)
    assert dkimpy.verify(raw, dnsfunc=lookup) is True
    assert asked == [b"hl2026._domainkey.acme.test."]
    tampered = raw.replace(b"Signed and sealed.", b"Signed and sold.")
    assert dkimpy.verify(tampered, dnsfunc=lookup) is False


def test_the_acknowledgement_is_signed_too(account, mailbox, receive, smtp_sink, private_key):
    Mailbox.objects.filter(pk=mailbox.pk).update(dkim_domain="acme.test", dkim_selector="hl2026")
    mailbox.refresh_from_db()
    mailbox.dkim_private_key = private_key
    mailbox.save(update_fields=["dkim_private_key"])
    receive(account, raw_mail(), mailbox)
    lookup, _asked = dns_for(private_key)
    assert dkimpy.verify(smtp_sink.envelopes[-1].original_content, dnsfunc=lookup) is True


def test_a_broken_key_sends_unsigned(account, mailbox, agent, receive, reply, smtp_sink):
    Mailbox.objects.filter(pk=mailbox.pk).update(dkim_domain="acme.test", dkim_selector="hl2026")
    mailbox.refresh_from_db()
    mailbox.dkim_private_key = "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n"
    mailbox.save(update_fields=["dkim_private_key"])
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    sent = reply(ticket, agent)
    assert sent.delivery_status == "sent"
    assert b"DKIM-Signature" not in smtp_sink.envelopes[-1].original_content


def test_dns_record_format(private_key):
    record = dkim.dns_record(private_key)
    assert record.startswith("v=DKIM1; k=rsa; p=MII")
