"""Replies from the rich editor: HTML sanitised on the server, pasted images stored as attachments of the reply
and shown inline through the authorised file URL (never to another account)."""

from __future__ import annotations

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from helpline.conversations.models import Attachment, Message
from helpline.security.models import AuditEntry
from helpline.web.tests.conftest import HTMX, signed_in

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
EDITOR_HTML = (
    '<p>Hi <b>there</b>, see <a href="https://example.com/help" onclick="steal()">help</a>:</p>'
    "<ul><li>one</li></ul><blockquote>quoted</blockquote><p><code>x = 1</code></p>"
    '<p><img src="cid:image-abc-1.png" alt="" onerror="steal()"></p>'
    '<script>steal()</script><a href="javascript:steal()">bad</a>'
)


def post_reply(client, ticket, **extra):
    data = {
        "body": "Hi there, see help:\none",
        "body_html": EDITOR_HTML,
        "attachments": [SimpleUploadedFile("image-abc-1.png", PNG, content_type="image/png")],
        **extra,
    }
    return client.post(f"/agent/tickets/{ticket.public_id}/reply/", data)


def test_editor_html_is_sanitised_and_the_pasted_image_is_linked_inline(agent_client, ticket, agent):
    response = post_reply(agent_client, ticket)
    assert response.status_code == 302
    reply = Message.objects.filter(ticket=ticket).order_by("id").last()
    [image] = Attachment.objects.filter(message=reply)
    assert (image.name, image.content_type, image.size) == ("image-abc-1.png", "image/png", len(PNG))
    assert reply.body_html == (
        '<p>Hi <b>there</b>, see <a href="https://example.com/help" rel="noopener noreferrer nofollow">help</a>:</p>'
        "<ul><li>one</li></ul><blockquote>quoted</blockquote><p><code>x = 1</code></p>"
        f'<p><img src="/agent/files/{image.public_id}/" alt=""></p>'
        '<a rel="noopener noreferrer nofollow">bad</a>'
    )
    assert reply.body_text == "Hi there, see help:\none"
    assert (reply.direction, reply.author_user_id) == ("out", agent.pk)

    # The inline image loads for the account's agents, and is not found for another account.
    served = agent_client.get(f"/agent/files/{image.public_id}/")
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == PNG


def test_the_inline_image_is_not_served_to_another_account(ticket, agent_client, other_account, make_agent):
    post_reply(agent_client, ticket)
    image = Attachment.objects.get(name="image-abc-1.png")
    intruder = signed_in(make_agent(other_account, "mallory@globex.test"), other_account)
    assert intruder.get(f"/agent/files/{image.public_id}/").status_code == 404


def test_a_cid_without_its_file_loses_its_source(agent_client, ticket):
    agent_client.post(
        f"/agent/tickets/{ticket.public_id}/reply/",
        {"body": "Look", "body_html": '<p>Look <img src="cid:image-missing.png" alt="x"></p>'},
    )
    reply = Message.objects.filter(ticket=ticket).order_by("id").last()
    assert reply.body_html == '<p>Look <img src="" alt="x"></p>'


def test_a_refused_reply_keeps_the_sanitised_html_in_the_composer(agent_client, ticket):
    before = (Message.objects.count(), AuditEntry.objects.count())
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/reply/",
        {"body": "Hi", "body_html": "<p><b>Hi</b><script>x()</script></p>", "to": "not an address"},
        **HTMX,
    )
    assert response.status_code == 422
    assert (Message.objects.count(), AuditEntry.objects.count()) == before
    assert (
        'name="body_html" value="&lt;p&gt;&lt;b&gt;Hi&lt;/b&gt;&lt;/p&gt;" data-editor-html'
        in response.content.decode()
    )


def test_an_empty_editor_is_refused(agent_client, ticket):
    before = Message.objects.count()
    response = agent_client.post(f"/agent/tickets/{ticket.public_id}/reply/", {"body": "", "body_html": " "})
    assert response.status_code == 422
    assert "The message is empty." in response.content.decode()
    assert Message.objects.count() == before


def test_the_composer_offers_the_editor_toolbar_with_labels(agent_client, ticket):
    page = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    for label in (
        "Bold (Ctrl+B)",
        "Italic (Ctrl+I)",
        "Bulleted list",
        "Numbered list",
        "Link (Ctrl+K)",
        "Quote",
        "Code",
    ):
        assert f'aria-label="{label}"' in page
    assert "data-rich-editor" in page


NOTE_HTML = (
    '<p>Check <b>billing</b> <a href="https://example.com/x" onclick="steal()">here</a></p><script>steal()</script>'
)
NOTE_CLEAN = '<p>Check <b>billing</b> <a href="https://example.com/x" rel="noopener noreferrer nofollow">here</a></p>'


def test_a_note_from_the_editor_is_sanitised(agent_client, ticket, agent):
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/note/", {"body": "Check billing here", "body_html": NOTE_HTML}
    )
    assert response.status_code == 302
    note = Message.objects.filter(ticket=ticket).order_by("id").last()
    assert (note.kind, note.body_html, note.body_text, note.author_user_id) == (
        "note", NOTE_CLEAN, "Check billing here", agent.pk,
    )  # fmt: skip


def test_a_forward_cover_note_from_the_editor_is_sanitised(agent_client, ticket):
    original = Message.objects.filter(ticket=ticket).order_by("id").first()
    response = agent_client.post(
        f"/agent/tickets/{ticket.public_id}/forward/",
        {"message": original.public_id, "to": "courier@example.net", "body": "Check billing here",
         "body_html": NOTE_HTML},
    )  # fmt: skip
    assert response.status_code == 302
    forward = Message.objects.filter(ticket=ticket).order_by("id").last()
    assert forward.meta["forward_of"] == original.public_id
    assert (forward.body_html, forward.body_text) == (NOTE_CLEAN, "Check billing here")


def test_note_and_forward_boxes_are_rich_without_images(agent_client, ticket):
    page = agent_client.get(f"/agent/tickets/{ticket.public_id}/").content.decode()
    for box in ("reply-body", "note-body", "forward-body"):
        assert f'aria-controls="{box}" data-editor-toolbar' in page
        assert f'for="{box}" id="{box}-label"' in page
    assert page.count("data-rich-editor") == 3
    assert page.count("data-rich-editor data-no-images") == 2
