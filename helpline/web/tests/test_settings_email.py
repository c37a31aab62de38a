"""Settings → Mailboxes: list, create, edit, deactivate, delete, "Test connection" against a real Dovecot and a
real SMTP server; passwords are write-only; plan limit; tenant isolation and permissions."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.email.actions import create_mailbox, record_mailbox_check
from helpline.channels.email.models import AcceptedDomain, Mailbox
from helpline.channels.email.tests.mail import SmtpRecorder
from helpline.channels.email.transports.tests.fake_oauth import start_oauth
from helpline.channels.email.transports.tests.servers import PASSWORD, free_port, remove_dovecot, start_dovecot
from helpline.security.models import AuditEntry
from helpline.tenancy.models import Brand, Department
from helpline.web.tests.conftest import HTMX, signed_in

SECRET = "s3cret-Mailbox-Pass!"
LIST = "/agent/settings/mailboxes/"
NEW = "/agent/settings/mailboxes/new/"


@pytest.fixture(scope="module")
def dovecot():
    oauth = start_oauth()
    server = start_dovecot(oauth.url)
    yield server
    remove_dovecot(server)
    oauth.shutdown()


@pytest.fixture
def trusted_dovecot(dovecot, monkeypatch):
    """OpenSSL trusts the test server's certificate, as it would a real CA's."""
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    return dovecot


def _form(**overrides) -> dict:
    data = {
        "name": "Acme support",
        "address": "Help@Acme.test",
        "inbound": "imap",
        "host": "imap.acme.test",
        "port": "993",
        "security": "ssl",
        "auth": "password",
        "username": "help@acme.test",
        "password": SECRET,
        "folder": "INBOX",
        "after_import": "seen",
        "smtp_mode": "default",
        "smtp_security": "starttls",
        "stranger_policy": "participant",
        "spam_host": "127.0.0.1",
        "spam_port": "783",
        "spam_threshold": "5.0",
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _audit_text(account) -> str:
    return json.dumps(list(AuditEntry.objects.filter(account=account).values("action", "data")))


def test_create_saves_exactly_what_was_entered(owner_client, account, owner):
    brand = Brand.objects.get(account=account)
    department = Department.objects.get(account=account)
    data = _form(
        brand=brand.public_id,
        department=department.public_id,
        spam_enabled="on",
        spam_threshold="6,5",
        smtp_mode="custom",
        smtp_host="smtp.acme.test",
        smtp_port="",
        smtp_username="relay",
        smtp_password="smtp-secret-1",
        signature_html='<p>Acme <b>support</b></p><script>alert("x")</script>',
    )
    response = owner_client.post(NEW, data)
    mailbox = Mailbox.objects.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == f"/agent/settings/mailboxes/{mailbox.public_id}/"
    saved = {
        name: getattr(mailbox, name)
        for name in (
            "name", "address", "inbound", "host", "port", "security", "auth", "username", "password", "folder",
            "after_import", "smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password",
            "stranger_policy", "spam_enabled", "spam_host", "spam_port", "spam_threshold", "is_active",
            "signature_html", "brand", "department",
        )
    }  # fmt: skip
    assert saved == {
        "name": "Acme support",
        "address": "help@acme.test",
        "inbound": "imap",
        "host": "imap.acme.test",
        "port": 993,
        "security": "ssl",
        "auth": "password",
        "username": "help@acme.test",
        "password": SECRET,
        "folder": "INBOX",
        "after_import": "seen",
        "smtp_host": "smtp.acme.test",
        "smtp_port": 587,
        "smtp_security": "starttls",
        "smtp_username": "relay",
        "smtp_password": "smtp-secret-1",
        "stranger_policy": "participant",
        "spam_enabled": True,
        "spam_host": "127.0.0.1",
        "spam_port": 783,
        "spam_threshold": 6.5,
        "is_active": True,
        "signature_html": "<p>Acme <b>support</b></p>",
        "brand": brand,
        "department": department,
    }
    entry = AuditEntry.objects.get(account=account, action="mailbox.created")
    assert (entry.actor_user_id, entry.subject_id, entry.data["address"]) == (
        owner.pk,
        mailbox.public_id,
        mailbox.address,
    )
    assert "password" in entry.data["changed"]
    assert SECRET not in _audit_text(account) and "smtp-secret-1" not in _audit_text(account)


def test_secrets_are_never_rendered_and_blank_keeps_them(owner_client, account):
    owner_client.post(NEW, _form(smtp_mode="custom", smtp_host="smtp.acme.test", smtp_password="smtp-secret-1"))
    mailbox = Mailbox.objects.get(account=account)
    url = f"/agent/settings/mailboxes/{mailbox.public_id}/"
    page = owner_client.get(url).content.decode()
    assert SECRET not in page and "smtp-secret-1" not in page
    assert 'name="password" value=""' in page
    assert page.count("Saved. Leave empty to keep it.") == 2  # password and SMTP password
    # Saved with the password fields empty: nothing changes, not even the UID progress.
    response = owner_client.post(
        url, _form(password="", name="Acme help", smtp_mode="custom", smtp_host="smtp.acme.test")
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.password, mailbox.smtp_password) == ("Acme help", SECRET, "smtp-secret-1")
    # A new one replaces it; "remove" clears it.
    owner_client.post(
        url, _form(password="new-pass-2", clear_smtp_password="on", smtp_mode="custom", smtp_host="smtp.acme.test")
    )
    mailbox.refresh_from_db()
    assert (mailbox.password, mailbox.smtp_password) == ("new-pass-2", "")
    assert "new-pass-2" not in owner_client.get(url).content.decode()
    assert "new-pass-2" not in _audit_text(account)


def test_edit_changes_settings_and_accepted_domains(owner_client, account, owner):
    mailbox = create_mailbox(account=account, name="Inbound", address="in@acme.test")
    url = f"/agent/settings/mailboxes/{mailbox.public_id}/"
    data = {
        **_form(inbound="forward", name="Inbound", address="in@acme.test", host="", port="", password=""),
        "domains": "Acme.test\nhelp.acme.test, acme.example.",
    }
    assert owner_client.post(url, data).status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.inbound, mailbox.stranger_policy, mailbox.after_import) == ("forward", "participant", "seen")
    domains = list(AcceptedDomain.objects.filter(mailbox=mailbox).order_by("domain").values_list("domain", flat=True))
    assert domains == ["acme.example", "acme.test", "help.acme.test"]
    page = owner_client.get(url).content.decode()
    assert "acme.example\nacme.test\nhelp.acme.test</textarea>" in page
    assert "helpline ingest-email --account acme --mailbox in@acme.test" in page
    owner_client.post(url, {**data, "domains": "acme.test"})
    assert list(AcceptedDomain.objects.filter(mailbox=mailbox).values_list("domain", flat=True)) == ["acme.test"]
    actions = list(AuditEntry.objects.filter(subject_id=mailbox.public_id).values_list("action", flat=True))
    assert actions.count("mailbox.domain_added") == 3 and actions.count("mailbox.domain_removed") == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"address": "not-an-address"}, "not-an-address is not an email address."),
        ({"host": ""}, "Enter the server to read mail from."),
        ({"port": "99999"}, "The server port must be a port number from 1 to 65535."),
        ({"spam_threshold": "lots"}, "The spam threshold must be a number from 0 to 100, such as 5.0."),
        ({"security": "none"}, "Unencrypted connections are only allowed to this machine; choose TLS or STARTTLS."),
        ({"inbound": "pop3", "after_import": "move"}, "POP3 can only leave mail on the server or delete it."),
        ({"brand": "nope"}, "Choose a brand and a department of this account."),
        ({"password": ""}, "Enter the password of the mail account."),
    ],
)
def test_invalid_settings_are_explained_on_the_form(owner_client, account, overrides, message):
    response = owner_client.post(NEW, _form(**overrides))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert SECRET not in page
    assert not Mailbox.objects.filter(account=account).exists()
    assert not AuditEntry.objects.filter(account=account, action__startswith="mailbox.").exists()


def test_a_duplicate_address_or_taken_domain_changes_nothing(owner_client, account, other_account):
    create_mailbox(account=account, name="Support", address="help@acme.test")
    response = owner_client.post(NEW, _form())
    assert response.status_code == 422
    assert "This account has a mailbox with that address already." in response.content.decode()
    other = create_mailbox(account=other_account, name="Globex", address="in@globex.test")
    AcceptedDomain.objects.create(account=other_account, mailbox=other, domain="shared.test")
    response = owner_client.post(NEW, {**_form(address="two@acme.test"), "domains": "shared.test"})
    assert response.status_code == 422
    assert "The domain shared.test is accepted by a mailbox already." in response.content.decode()
    assert list(Mailbox.objects.filter(account=account).values_list("address", flat=True)) == ["help@acme.test"]


def test_the_plan_limit_is_shown_on_the_form(make_account):
    free = make_account("tiny", plan="free")
    create_mailbox(account=free, name="First", address="first@tiny.test")
    client = signed_in(free.owner, free)
    listing = client.get(LIST).content.decode()
    assert "Your plan has no room for another mailbox." in listing
    response = client.post(NEW, _form(address="second@tiny.test"))
    assert response.status_code == 422
    assert "Your Free plan allows 1 mail accounts; you have 1. Upgrade to add more." in response.content.decode()
    assert list(Mailbox.objects.filter(account=free).values_list("address", flat=True)) == ["first@tiny.test"]


def test_the_list_shows_kind_usage_last_check_and_error(owner_client, account, make_account):
    imap = create_mailbox(
        account=account, name="Sales", address="sales@acme.test", inbound="imap", host="imap.acme.test",
        password="x",
    )  # fmt: skip
    create_mailbox(account=account, name="Forwarded", address="fwd@acme.test")
    record_mailbox_check(mailbox=imap, error="imap.acme.test:993 refused the connection.")
    page = owner_client.get(LIST).content.decode()
    assert "imap.acme.test:993" in page
    assert '<p class="field-error" data-last-error>imap.acme.test:993 refused the connection.</p>' in page
    assert "Forwarded (SMTP receiver or MTA pipe)" in page
    assert '<span class="usage__numbers">2 / unlimited</span>' in page
    small = make_account("small", plan="small")
    create_mailbox(account=small, name="One", address="one@small.test")
    assert '<span class="usage__numbers">1 / 40</span>' in signed_in(small.owner, small).get(LIST).content.decode()


def test_deactivate_activate_and_delete(owner_client, account, owner):
    mailbox = create_mailbox(account=account, name="Support", address="help@acme.test")
    base = f"/agent/settings/mailboxes/{mailbox.public_id}/"
    assert owner_client.post(base + "active/", {"active": "0"})["Location"] == LIST
    assert Mailbox.objects.get(pk=mailbox.pk).is_active is False
    assert 'badge badge--deleted">Deactivated' in owner_client.get(LIST).content.decode()
    owner_client.post(base + "active/", {"active": "1"})
    assert Mailbox.objects.get(pk=mailbox.pk).is_active is True
    assert owner_client.post(base + "delete/")["Location"] == LIST
    assert not Mailbox.objects.filter(pk=mailbox.pk).exists()
    actions = list(
        AuditEntry.objects.filter(subject_id=mailbox.public_id).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["mailbox.created", "mailbox.updated", "mailbox.updated", "mailbox.deleted"]


def test_another_accounts_admin_gets_404_and_changes_nothing(account, other_account):
    mailbox = create_mailbox(account=account, name="Support", address="help@acme.test")
    client = signed_in(other_account.owner, other_account)
    base = f"/agent/settings/mailboxes/{mailbox.public_id}/"
    assert client.get(base).status_code == 404
    assert client.post(base, _form(name="Hijacked")).status_code == 404
    assert client.post(base + "active/", {"active": "0"}).status_code == 404
    assert client.post(base + "delete/").status_code == 404
    assert client.post(base + "test/", **HTMX).status_code == 404
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.is_active) == ("Support", True)
    assert "help@acme.test" not in client.get(LIST).content.decode()
    assert not AuditEntry.objects.filter(account=other_account, action__startswith="mailbox.").exists()


MAILBOX_URLS = ["", "active/", "delete/", "test/"]


def test_an_agent_without_the_settings_permission_gets_403(agent_client, account):
    mailbox = create_mailbox(account=account, name="Support", address="help@acme.test")
    assert agent_client.get(LIST).status_code == 403
    assert agent_client.get(NEW).status_code == 403
    assert agent_client.post(NEW, _form(address="x@acme.test")).status_code == 403
    for suffix in MAILBOX_URLS:
        assert agent_client.post(f"/agent/settings/mailboxes/{mailbox.public_id}/{suffix}", _form()).status_code == 403
    assert list(Mailbox.objects.filter(account=account).values_list("address", "is_active")) == [
        ("help@acme.test", True)
    ]


def test_the_list_costs_the_same_queries_for_2_and_8_mailboxes(owner_client, account):
    department = Department.objects.get(account=account)
    brand = Brand.objects.get(account=account)

    def add(start: int, count: int):
        for i in range(start, start + count):
            mailbox = create_mailbox(
                account=account, name=f"Box {i}", address=f"box{i}@acme.test", brand=brand, department=department
            )
            AcceptedDomain.objects.create(account=account, mailbox=mailbox, domain=f"d{i}.acme.test")

    def measure() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = owner_client.get(LIST)
        assert response.status_code == 200
        return len(queries)

    add(0, 2)
    small = measure()
    add(2, 6)
    large = measure()
    assert len(owner_client.get(LIST).context["mailboxes"]) == 8
    assert small == large
    assert large <= 12


def test_test_connection_against_real_servers_shows_every_step_ok(owner_client, account, trusted_dovecot):
    recorder = SmtpRecorder()
    sink = recorder.start(free_port())
    try:
        mailbox = create_mailbox(
            account=account, name="Support", address="help@acme.test", inbound="imap", host="127.0.0.1",
            port=trusted_dovecot.ports["imaps"], security="ssl", username=trusted_dovecot.new_user(),
            password=PASSWORD, smtp_host="127.0.0.1", smtp_port=sink.port, smtp_security="none",
        )  # fmt: skip
        response = owner_client.post(f"/agent/settings/mailboxes/{mailbox.public_id}/test/", **HTMX)
    finally:
        sink.stop()
    assert response.status_code == 200
    page = response.content.decode()
    steps = response.context["results"]
    assert [(s.name, s.ok) for s in steps["inbound"]] == [
        ("dns", True), ("connect", True), ("tls", True), ("login", True), ("folder", True),
    ]  # fmt: skip
    assert [(s.name, s.ok) for s in steps["outbound"]] == [
        ("dns", True), ("connect", True), ("tls", True), ("ehlo", True), ("auth", True),
    ]  # fmt: skip
    assert 'data-all-ok="true"' in page and "Every step succeeded." in page
    assert page.count('data-ok="true"') == 10 and 'data-ok="false"' not in page
    assert "<html" not in page  # a partial for htmx
    assert "INBOX has 0 messages" in page
    assert PASSWORD not in page
    assert recorder.envelopes == []  # nothing was sent


def test_test_connection_to_a_closed_port_names_the_tcp_step_and_port(owner_client, account, trusted_dovecot):
    port = free_port()
    mailbox = create_mailbox(
        account=account, name="Support", address="help@acme.test", inbound="imap", host="127.0.0.1", port=port,
        security="ssl", username="user", password=PASSWORD,
    )  # fmt: skip
    response = owner_client.post(f"/agent/settings/mailboxes/{mailbox.public_id}/test/", **HTMX)
    assert response.status_code == 200
    inbound = response.context["results"]["inbound"]
    assert [(s.name, s.ok) for s in inbound] == [("dns", True), ("connect", False)]
    page = response.content.decode()
    assert f"127.0.0.1:{port} refused the connection." in page
    assert 'data-step="connect" data-ok="false"' in page
    assert "A step failed; the reason is shown next to it." in page
    # Without htmx the whole page comes back, with the report in it.
    full = owner_client.post(f"/agent/settings/mailboxes/{mailbox.public_id}/test/")
    assert full.status_code == 200
    assert f"127.0.0.1:{port} refused the connection." in full.content.decode()
    assert "<html" in full.content.decode()
