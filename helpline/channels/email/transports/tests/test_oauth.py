"""OAuth 2.0: the XOAUTH2 string, token refresh against a fake endpoint, and XOAUTH2 sign-in at Dovecot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from helpline.channels.email.models import Mailbox
from helpline.channels.email.transports import oauth
from helpline.channels.email.transports.fetch import fetch_mailbox
from helpline.channels.email.transports.tests import corpus
from helpline.conversations.models import Ticket
from helpline.core import clock

pytestmark = pytest.mark.django_db


def test_xoauth2_initial_response():
    assert oauth.xoauth2("support@acme.test", "ya29.token") == (
        b"user=support@acme.test\x01auth=Bearer ya29.token\x01\x01"
    )


@pytest.fixture
def oauth_mailbox(account, mail_user, make_mailbox, oauth_server):
    def make(protocol: str = Mailbox.IMAP, provider: str = Mailbox.OAUTH_GOOGLE):
        return make_mailbox(
            account,
            mail_user,
            inbound=protocol,
            password="",
            auth=provider,
            oauth_client_id="client-1",
            oauth_client_secret="client-secret",
            oauth_refresh_token=oauth_server.grant(mail_user.name),
        )

    return make


@pytest.mark.parametrize("protocol", [Mailbox.IMAP, Mailbox.POP3])
def test_google_mailbox_signs_in_with_a_refreshed_token(oauth_mailbox, oauth_server, mail_user, account, protocol):
    mail_user.append(corpus.simple(1))
    mailbox = oauth_mailbox(protocol)
    oauth_server.requests.clear()

    assert fetch_mailbox(mailbox).created == 1

    assert oauth_server.requests == [
        {
            "path": "/token",
            "grant_type": "refresh_token",
            "client_id": "client-1",
            "client_secret": "client-secret",
            "refresh_token": mailbox.oauth_refresh_token,
        }
    ]
    mailbox.refresh_from_db()
    assert oauth_server.access_tokens[mailbox.oauth_access_token] == mail_user.name
    lifetime = mailbox.oauth_expires_at - clock.now()
    assert timedelta(seconds=3590) < lifetime <= timedelta(seconds=3599)
    assert Ticket.objects.filter(account=account).count() == 1
    mail_user.append(corpus.simple(2))
    assert fetch_mailbox(mailbox).created == 1
    assert len(oauth_server.requests) == 1  # the stored token was still good


def test_microsoft_asks_for_its_scopes_and_rotated_refresh_tokens_are_kept(oauth_mailbox, oauth_server):
    mailbox = oauth_mailbox(provider=Mailbox.OAUTH_MICROSOFT)
    first_refresh = mailbox.oauth_refresh_token
    oauth_server.requests.clear()
    oauth_server.rotate = True
    try:
        assert fetch_mailbox(mailbox).fetched == 0
    finally:
        oauth_server.rotate = False
    assert oauth_server.requests[0]["scope"] == (
        "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/POP.AccessAsUser.All "
        "https://outlook.office.com/SMTP.Send offline_access"
    )
    mailbox.refresh_from_db()
    assert mailbox.oauth_refresh_token != first_refresh
    assert oauth_server.refresh_tokens[mailbox.oauth_refresh_token] == oauth_server.refresh_tokens[first_refresh]


def test_an_expired_access_token_is_refreshed(oauth_mailbox, oauth_server):
    mailbox = oauth_mailbox()
    Mailbox.objects.filter(pk=mailbox.pk).update(
        oauth_access_token="at-old", oauth_expires_at=clock.now() + timedelta(seconds=30)
    )
    mailbox.refresh_from_db()
    oauth_server.requests.clear()
    token = oauth.access_token(mailbox)
    assert (token != "at-old", len(oauth_server.requests)) == (True, 1)


def test_a_revoked_grant_is_reported_and_nothing_is_fetched(oauth_mailbox, oauth_server, mail_user):
    mail_user.append(corpus.simple(1))
    mailbox = oauth_mailbox()
    del oauth_server.refresh_tokens[mailbox.oauth_refresh_token]

    assert fetch_mailbox(mailbox) is None

    mailbox.refresh_from_db()
    assert mailbox.last_error == (
        "The sign-in provider refused to renew access: Token has been expired or revoked. Connect the mailbox again."
    )
    assert (mailbox.oauth_access_token, mailbox.last_uid, Ticket.objects.count()) == ("", 0, 0)


def test_token_endpoints_must_be_https_unless_on_this_machine(oauth_mailbox, settings):
    mailbox = oauth_mailbox()
    settings.EMAIL_OAUTH_TOKEN_URLS = {"oauth2_google": "http://oauth.example.com/token"}
    with pytest.raises(oauth.OAuthError, match="must use https"):
        oauth.refresh_access_token(mailbox)
    assert Mailbox.objects.get(pk=mailbox.pk).oauth_access_token == ""
    settings.EMAIL_OAUTH_TOKEN_URLS = {}
    assert oauth.token_url(Mailbox.OAUTH_GOOGLE) == "https://oauth2.googleapis.com/token"
    assert oauth.token_url(Mailbox.OAUTH_MICROSOFT) == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
