"""Fixtures: one Dovecot and one fake OAuth endpoint per test session, a fresh Dovecot user per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpline.channels.email.transports.tests.fake_oauth import FakeOAuth, start_oauth
from helpline.channels.email.transports.tests.isolated import Isolated, make_isolated, remove_isolated
from helpline.channels.email.transports.tests.servers import Dovecot, MailUser, remove_dovecot, start_dovecot


@pytest.fixture(scope="session")
def oauth_server() -> Iterator[FakeOAuth]:
    server = start_oauth()
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def dovecot(oauth_server) -> Iterator[Dovecot]:
    server = start_dovecot(oauth_server.url)
    yield server
    remove_dovecot(server)


@pytest.fixture(scope="session")
def isolated(tmp_path_factory) -> Iterator[Isolated]:
    """A migrated database and data dir of their own, for tests that run helpline in subprocesses."""
    env = make_isolated(tmp_path_factory.mktemp("isolated"))
    yield env
    remove_isolated(env)


@pytest.fixture(autouse=True)
def _trust_test_certificate(request, monkeypatch):
    """OpenSSL's SSL_CERT_FILE: the test server's certificate is the trusted one, as a real CA's would be."""
    if "dovecot" in request.fixturenames:
        monkeypatch.setenv("SSL_CERT_FILE", str(request.getfixturevalue("dovecot").ca_file))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _oauth_endpoints(settings, oauth_server):
    settings.EMAIL_OAUTH_TOKEN_URLS = {
        "oauth2_google": f"{oauth_server.url}/token",
        "oauth2_microsoft": f"{oauth_server.url}/token",
    }


@pytest.fixture
def mail_user(dovecot) -> MailUser:
    return MailUser(server=dovecot, name=dovecot.new_user())


@pytest.fixture
def make_mailbox(dovecot):
    """A Mailbox row (through the action) reading ``user``'s Dovecot account; overrides as keyword arguments."""
    from helpline.channels.email.actions import create_mailbox

    def make(account, user: MailUser, *, address: str = "support@acme.test", **overrides):
        protocol = overrides.get("inbound", "imap")
        security = overrides.get("security", "ssl")
        port_name = {"ssl": f"{protocol}s", "starttls": protocol, "none": protocol}[security]
        fields = {
            "name": "Support",
            "address": address,
            "inbound": protocol,
            "host": "127.0.0.1",
            "port": user.server.ports[port_name],
            "security": security,
            "username": user.name,
            "password": user.password,
        }
        fields.update(overrides)
        return create_mailbox(account=account, **fields)

    return make
