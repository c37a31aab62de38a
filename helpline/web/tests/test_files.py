"""Attachment downloads: authorised per account, always a download, never sniffed."""

from __future__ import annotations

import pytest
from django.test import Client

from helpline.conversations.actions import store_attachment
from helpline.conversations.models import Message

HOSTILE = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture
def attachment(ticket):
    message = Message.objects.filter(ticket=ticket).first()
    return store_attachment(message=message, name="report.html", content=HOSTILE, content_type="text/html")


def test_an_agent_downloads_an_attachment_of_their_account(agent_client, attachment):
    response = agent_client.get(f"/agent/files/{attachment.public_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == HOSTILE
    assert response["Content-Disposition"] == 'attachment; filename="report.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_the_thread_links_the_attachment_to_the_download_view(agent_client, attachment, ticket):
    body = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    assert f'href="/agent/files/{attachment.public_id}/"' in body
    assert "report.html" in body


def test_an_attachment_of_another_account_is_not_found(other_account, make_ticket, make_agent, account):
    theirs = make_ticket(other_account)
    message = Message.objects.filter(ticket=theirs).first()
    secret = store_attachment(message=message, name="secret.txt", content=b"globex secret")
    user = make_agent(account, "agent@acme.test")
    client = Client()
    client.force_login(user)
    response = client.get(f"/agent/files/{secret.public_id}/")
    assert response.status_code == 404
    assert b"globex secret" not in response.content


def test_strangers_are_sent_to_sign_in(attachment):
    response = Client().get(f"/agent/files/{attachment.public_id}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_file_missing_from_storage_is_a_404_not_a_500(agent_client, attachment):
    from django.core.files.storage import default_storage

    default_storage.delete(attachment.storage_key)
    assert agent_client.get(f"/agent/files/{attachment.public_id}/").status_code == 404
