"""Mailbox actions (plan limit, validation, audit, progress reset) and the fetch lease."""

from __future__ import annotations

import time

import pytest

from helpline.channels.email.actions import (
    add_accepted_domain,
    create_mailbox,
    record_fetch_progress,
    update_mailbox,
)
from helpline.channels.email.models import AcceptedDomain, Mailbox
from helpline.channels.email.transports.locks import Lease
from helpline.core.errors import Conflict, DomainError, LimitReached
from helpline.security.models import AuditEntry


def imap(**overrides) -> dict:
    fields = {"inbound": "imap", "host": "127.0.0.1", "password": "pw-1"}
    fields.update(overrides)
    return fields


@pytest.mark.django_db
def test_create_fills_defaults_and_audits_without_secrets(account):
    mailbox = create_mailbox(account=account, name=" Support ", address="Support@ACME.test", **imap())
    assert (mailbox.name, mailbox.address, mailbox.port, mailbox.username, mailbox.folder) == (
        "Support",
        "support@acme.test",
        993,
        "support@acme.test",
        "INBOX",
    )
    entry = AuditEntry.objects.get(action="mailbox.created")
    assert (entry.subject_id, entry.data) == (
        mailbox.public_id,
        {"address": "support@acme.test", "changed": ["address", "host", "inbound", "name", "password"]},
    )
    assert "pw-1" not in str(entry.data)


@pytest.mark.django_db
def test_plan_limit(make_account):
    free = make_account("tiny", plan="free")
    create_mailbox(account=free, name="One", address="one@tiny.test")
    with pytest.raises(LimitReached, match="Your Free plan allows 1 mail accounts; you have 1"):
        create_mailbox(account=free, name="Two", address="two@tiny.test")
    assert list(Mailbox.objects.filter(account=free).values_list("address", flat=True)) == ["one@tiny.test"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"address": "not-an-address"}, "not-an-address is not an email address."),
        (imap(host=""), "Enter the server to read mail from."),
        (imap(host="192.0.2.10", security="none"), "Unencrypted connections are only allowed to this machine"),
        (imap(password=""), "Enter the password of the mail account."),
        (imap(after_import="move"), "Choose the folder imported mail is moved to."),
        (imap(after_import="move", move_to_folder="INBOX"), "Imported mail cannot be moved to the folder it is"),
        (imap(auth="oauth2_google"), "Enter the OAuth client id"),
        ({"smtp_host": "192.0.2.10", "smtp_security": "none"}, "Unencrypted SMTP is only allowed to this machine"),
        ({"sneaky": 1}, "Unknown mailbox setting: sneaky."),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_saved(account, fields, message):
    fields = {"address": "support@acme.test", **fields}
    with pytest.raises(DomainError, match=message):
        create_mailbox(account=account, name="Support", **fields)
    assert (Mailbox.objects.count(), AuditEntry.objects.filter(action="mailbox.created").count()) == (0, 0)


@pytest.mark.django_db
def test_update_resets_progress_when_the_source_moves_and_refuses_duplicates(account):
    mailbox = create_mailbox(account=account, name="Support", address="support@acme.test", **imap())
    record_fetch_progress(mailbox=mailbox, uidvalidity=77, last_uid=40)
    renamed = update_mailbox(mailbox=mailbox, name="Help desk")
    assert (renamed.uidvalidity, renamed.last_uid) == (77, 40)  # a name is not a source
    moved = update_mailbox(mailbox=mailbox, folder="Support")
    assert (moved.uidvalidity, moved.last_uid, moved.folder) == (None, 0, "Support")
    assert AuditEntry.objects.filter(action="mailbox.updated").count() == 2
    create_mailbox(account=account, name="Sales", address="sales@acme.test")
    with pytest.raises(Conflict):
        update_mailbox(mailbox=mailbox, address="sales@acme.test")
    assert Mailbox.objects.get(pk=mailbox.pk).address == "support@acme.test"


@pytest.mark.django_db
def test_an_accepted_domain_belongs_to_one_mailbox(account, other_account):
    mine = create_mailbox(account=account, name="Support", address="support@acme.test")
    theirs = create_mailbox(account=other_account, name="Help", address="help@globex.test")
    assert add_accepted_domain(mailbox=mine, domain=" Acme.Test. ").domain == "acme.test"
    with pytest.raises(Conflict):
        add_accepted_domain(mailbox=theirs, domain="acme.test")
    with pytest.raises(DomainError, match="is not a domain name"):
        add_accepted_domain(mailbox=mine, domain="localhost")
    assert list(AcceptedDomain.objects.values_list("domain", "account_id")) == [("acme.test", account.pk)]


def test_a_lease_excludes_others_until_released_or_stale():
    first, second, third = (
        Lease("test-lease", stale=0.3),
        Lease("test-lease", stale=0.3),
        Lease("test-lease", stale=0.3),
    )
    assert (first.acquire(), second.acquire(), second.held()) == (True, False, True)
    first.release()
    assert (second.held(), second.acquire()) == (False, True)
    time.sleep(0.35)  # the holder stops renewing (it died)
    assert (first.acquire(), third.acquire()) == (True, False)  # exactly one takes the stale lease over
    assert second.renew(force=True) is False  # the old holder notices it lost the lease
    second.release()  # and cannot release the new holder's lease
    assert (third.acquire(), first.renew(force=True)) == (False, True)
    first.release()
