"""The agent's email tools on the ticket page: recipients, attachments, forward, email frames, quoted text,
threading reasons and delivery failures, against a real SMTP server on loopback."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.email.tests import conftest as email_fixtures
from helpline.channels.email.tests.mail import body, raw_mail
from helpline.conversations.actions import receive_message
from helpline.conversations.models import Attachment, Message
from helpline.security.models import AuditEntry
from helpline.tenancy.actions import create_role
from helpline.tenancy.actions.members import change_role
from helpline.tenancy.models import Membership
from helpline.web import composer
from helpline.web.tests.conftest import HTMX, signed_in

# The email package's fixtures: a real aiosmtpd sink, mailboxes, media in a temporary folder, receive_email.
media = email_fixtures.media
smtp_sink = email_fixtures.smtp_sink
make_mailbox = email_fixtures.make_mailbox
mailbox = email_fixtures.mailbox
receive = email_fixtures.receive

QUOTED_MAIL = (
    "Thanks, that worked!\n\n"
    "On Mon, 2 Mar 2026 at 10:00, Acme support <support@acme.test> wrote:\n"
    "> Please restart the kettle."
)


@pytest.fixture
def email_ticket(account, mailbox, receive, smtp_sink):
    """Carla's mail to support and Dan, copying Eve; the acknowledgement is cleared from the sink."""
    raw = raw_mail(
        to="Acme support <support@acme.test>, Dan <dan@example.com>",
        headers={"Cc": "eve@example.com, support@acme.test"},
    )
    ticket = receive(account, raw, mailbox).message.ticket
    smtp_sink.envelopes.clear()
    return ticket


@pytest.fixture
def post(agent_client, django_capture_on_commit_callbacks):
    """POST as the agent with the after-commit work (the delivery task) run as in production."""

    def run(url, data, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return agent_client.post(url, data, **headers)

    return run


def url(ticket, suffix: str = "") -> str:
    return f"/agent/tickets/{ticket.public_id}/{suffix}"


def last_message(ticket) -> Message:
    return Message.objects.filter(ticket=ticket).order_by("id").last()


def frames(page: str) -> list[tuple[str, str]]:
    """(sandbox, unescaped srcdoc) of every iframe on the page."""
    found = re.findall(r'<iframe class="msg__frame" sandbox="([^"]*)" srcdoc="([^"]*)"', page)
    return [(sandbox, html.unescape(srcdoc)) for sandbox, srcdoc in found]


# ---- Replies with recipients and attachments ----


def test_reply_with_to_cc_bcc_keeps_them_and_the_mail_has_the_right_headers(email_ticket, agent, post, smtp_sink):
    data = {
        "body": "Fixed.",
        "to": "carla@example.com",
        "cc": "Dan <DAN@example.com>; eve@example.com",
        "bcc": "boss@acme-hq.test",
    }
    response = post(url(email_ticket, "reply/"), data)
    assert response.status_code == 302
    reply = last_message(email_ticket)
    assert (reply.direction, reply.kind, reply.author_user_id, reply.delivery_status) == (
        "out",
        "email",
        agent.pk,
        "sent",
    )
    assert reply.meta == {
        "to": ["carla@example.com"],
        "cc": ["dan@example.com", "eve@example.com"],
        "bcc": ["boss@acme-hq.test"],
    }
    assert len(smtp_sink.envelopes) == 1
    assert smtp_sink.envelopes[0].rcpt_tos == [
        "carla@example.com",
        "dan@example.com",
        "eve@example.com",
        "boss@acme-hq.test",
    ]
    mail = smtp_sink.parsed()
    assert (mail["To"], mail["Cc"], mail["Bcc"]) == ("carla@example.com", "dan@example.com, eve@example.com", None)
    assert "boss@acme-hq.test" not in smtp_sink.envelopes[0].original_content.decode()
    assert body(mail, "plain").startswith("Fixed.")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_invalid_cc_is_refused_in_the_composer_and_nothing_is_queued(email_ticket, post, smtp_sink, headers):
    before = (Message.objects.count(), AuditEntry.objects.count())
    data = {"body": "Draft I keep", "to": "carla@example.com", "cc": "dan@example.com, not-an-address"}
    response = post(url(email_ticket, "reply/"), data, **headers)
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        '<p class="field-error" role="alert" data-composer-error>not-an-address is not a valid email address.</p>'
        in page
    )
    assert ">Draft I keep</textarea>" in page
    assert 'value="dan@example.com, not-an-address"' in page
    assert (Message.objects.count(), AuditEntry.objects.count()) == before
    assert smtp_sink.envelopes == []


def test_attachments_are_stored_and_sent(email_ticket, post, smtp_sink):
    files = [
        SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 invoice", content_type="application/pdf"),
        SimpleUploadedFile("notes.txt", b"kettle serial K-200", content_type="text/plain"),
    ]
    response = post(
        url(email_ticket, "reply/"), {"body": "Both files attached.", "to": "carla@example.com", "attachments": files}
    )
    assert response.status_code == 302
    reply = last_message(email_ticket)
    stored = list(reply.attachments.order_by("id").values_list("name", "content_type", "size"))
    assert stored == [("invoice.pdf", "application/pdf", 16), ("notes.txt", "text/plain", 19)]
    sent = [(p.get_filename(), p.get_content()) for p in smtp_sink.parsed().iter_attachments()]
    assert sent == [("invoice.pdf", b"%PDF-1.4 invoice"), ("notes.txt", "kettle serial K-200")]


def test_files_over_the_limit_are_refused_and_nothing_is_stored(email_ticket, post, smtp_sink, monkeypatch, settings):
    monkeypatch.setattr(composer, "MAX_UPLOAD_BYTES", 10)
    before = (Message.objects.count(), Attachment.objects.count())
    big = SimpleUploadedFile("photo.jpg", b"x" * 11, content_type="image/jpeg")
    response = post(url(email_ticket, "reply/"), {"body": "See the photo.", "attachments": [big]}, **HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "The attachments are too large (11\xa0bytes); the limit is 10\xa0bytes in total." in page
    assert ">See the photo.</textarea>" in page
    assert (Message.objects.count(), Attachment.objects.count()) == before
    assert not (settings.MEDIA_ROOT / "attachments").exists()
    assert smtp_sink.envelopes == []


def test_the_composer_of_an_email_ticket_offers_recipients_and_reply_all(agent_client, email_ticket):
    page = agent_client.get(url(email_ticket)).content.decode()
    assert (
        '<input id="reply-to" name="to" class="input recipient-row__input" autocomplete="off" x-ref="to" '
        'value="carla@example.com">'
    ) in page
    assert 'data-reply-all data-to="carla@example.com, dan@example.com" data-cc="eve@example.com"' in page
    assert '<div id="reply-copies" class="recipients__copies" :hidden="!copies" hidden>' in page  # Cc/Bcc folded away
    assert 'hx-encoding="multipart/form-data"' in page
    assert '<input type="file" name="attachments" multiple class="visually-hidden" data-file-input>' in page


def test_a_web_ticket_replies_on_its_channel_without_recipient_fields(agent_client, ticket, post):
    assert 'id="reply-to"' not in agent_client.get(url(ticket)).content.decode()
    post(url(ticket, "reply/"), {"body": "Done."})
    reply = last_message(ticket)
    assert (reply.kind, reply.meta, reply.delivery_status) == ("web", {}, "sent")


# ---- Forward ----


def test_forward_from_an_email_ticket_reaches_the_recipient(email_ticket, post, smtp_sink):
    original = email_ticket.messages.get(direction="in")
    data = {"message": original.public_id, "to": "supplier@example.net", "body": "Can you replace it?"}
    response = post(url(email_ticket, "forward/"), data)
    assert response.status_code == 302
    forward = last_message(email_ticket)
    assert forward.meta == {"to": ["supplier@example.net"], "forward_of": original.public_id}
    assert forward.delivery_status == "sent"
    assert smtp_sink.envelopes[0].rcpt_tos == ["supplier@example.net"]
    mail = smtp_sink.parsed()
    assert mail["Subject"] == f"Fwd: Broken kettle [#{email_ticket.code}]"
    text = body(mail, "plain")
    assert text.startswith("Can you replace it?\n\n---------- Forwarded message ----------\n")
    assert text.rstrip().endswith("\n\nMy kettle does not boil.")


@pytest.mark.parametrize("channel", ["chat", "form"])
def test_forward_from_a_ticket_of_another_channel_goes_out_by_email(
    account, make_ticket, post, smtp_sink, channel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(account, channel=channel, body="My order 1234 never arrived.")
    original = ticket.messages.get(direction="in")
    response = post(url(ticket, "forward/"), {"message": original.public_id, "to": "courier@example.net"}, **HTMX)
    assert response.status_code == 200
    forward = last_message(ticket)
    assert forward.meta == {"to": ["courier@example.net"], "forward_of": original.public_id, "channel": "email"}
    assert (forward.kind, forward.delivery_status, forward.delivery_error) == ("email", "sent", "")
    assert smtp_sink.envelopes[0].rcpt_tos == ["courier@example.net"]
    assert body(smtp_sink.parsed(), "plain").rstrip().endswith("\n\nMy order 1234 never arrived.")
    ticket.refresh_from_db()
    assert ticket.status == "new"  # a forward does not answer the customer


def test_forward_without_recipient_is_refused_in_forward_mode(email_ticket, post, smtp_sink):
    original = email_ticket.messages.get(direction="in")
    before = Message.objects.count()
    response = post(url(email_ticket, "forward/"), {"message": original.public_id, "to": " ", "body": "FYI"}, **HTMX)
    assert response.status_code == 422
    page = response.content.decode()
    assert "x-data=\"{ mode: 'forward'" in page
    assert '<p class="field-error" role="alert" data-composer-error>Say whom to forward the message to.</p>' in page
    assert f'<input type="hidden" name="message" value="{original.public_id}"' in page
    assert Message.objects.count() == before
    assert smtp_sink.envelopes == []


def test_each_message_has_a_forward_link_and_the_link_opens_forward_mode(agent_client, email_ticket, agent):
    from helpline.conversations.actions import add_note

    add_note(ticket=email_ticket, author=agent, text="Internal only")
    original = email_ticket.messages.get(direction="in")
    page = agent_client.get(url(email_ticket)).content.decode()
    assert page.count('class="msg__action"') == 2  # the mail and the acknowledgement; never the note
    assert f'href="/agent/tickets/{email_ticket.public_id}/?forward={original.public_id}#composer"' in page
    opened = agent_client.get(url(email_ticket) + f"?forward={original.public_id}").content.decode()
    assert "x-data=\"{ mode: 'forward'" in opened
    assert "Forwarding the message of Carla Customer" in opened


# ---- How inbound email is shown ----


def test_email_html_is_in_a_sandboxed_frame_without_scripts(account, mailbox, receive, agent_client):
    hostile = (
        '<p>Hello <b>team</b></p><script>alert(1)</script><img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a><iframe src="https://evil.example/"></iframe>'
    )
    ticket = receive(account, raw_mail(html=hostile), mailbox).message.ticket
    page = agent_client.get(url(ticket)).content.decode()
    assert "allow-scripts" not in page
    [(sandbox, srcdoc)] = frames(page)
    assert sandbox == "allow-same-origin"
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;; '
        'img-src http://testserver data:; style-src &#x27;unsafe-inline&#x27;">'
    ) in srcdoc
    assert "<p>Hello <b>team</b></p>" in srcdoc
    for needle in ("<script", "onerror", "javascript:", "evil.example"):
        assert needle not in srcdoc.lower()


def test_plain_text_mail_and_agent_replies_stay_inline(email_ticket, agent_client):
    page = agent_client.get(url(email_ticket)).content.decode()
    assert frames(page) == []
    assert '<div class="msg__body prose"><p>My kettle does not boil.</p></div>' in page


def test_quoted_text_of_a_plain_mail_is_folded_behind_a_toggle(account, mailbox, receive, agent_client):
    message = receive(account, raw_mail(body=QUOTED_MAIL), mailbox).message
    page = agent_client.get(url(message.ticket)).content.decode()
    assert '<div class="msg__body prose"><p>Thanks, that worked!</p></div>' in page
    assert (
        f'<button type="button" class="quote-toggle" data-quote-toggle aria-expanded="false" '
        f':aria-expanded="open.toString()" aria-controls="quoted-{message.public_id}"'
    ) in page
    quoted = re.search(
        rf'<div id="quoted-{message.public_id}" class="msg__quoted" hidden :hidden="!open">(.*?)</div>', page, re.S
    )
    assert "&gt; Please restart the kettle." in quoted.group(1)
    message.refresh_from_db()
    assert message.body_text == QUOTED_MAIL  # the raw body is never cut


def test_quoted_history_of_an_html_mail_is_a_second_frame_hidden_until_asked(account, mailbox, receive, agent_client):
    mail = (
        "<p>Thanks, that worked!</p><p>On Mon, 2 Mar 2026 Acme wrote:</p>"
        "<blockquote>Please restart the kettle.</blockquote>"
    )
    message = receive(account, raw_mail(html=mail), mailbox).message
    page = agent_client.get(url(message.ticket)).content.decode()
    [(_s, visible), (_q, quoted)] = frames(page)
    assert "<body><p>Thanks, that worked!</p></body>" in visible
    assert "<blockquote>Please restart the kettle.</blockquote>" in quoted
    assert f'<div id="quoted-{message.public_id}" class="msg__quoted" hidden :hidden="!open">' in page


def test_a_gmail_reply_folds_although_sanitising_removed_gmails_markers(account, mailbox, receive, agent_client):
    mail = (
        '<div dir="ltr">Thanks, that worked!</div>'
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, 2 Mar 2026 Acme wrote:</div>'
        '<blockquote class="gmail_quote">Please restart the kettle.</blockquote></div>'
    )
    message = receive(account, raw_mail(html=mail), mailbox).message
    page = agent_client.get(url(message.ticket)).content.decode()
    [(_s, visible), (_q, quoted)] = frames(page)
    assert "<body><div>Thanks, that worked!</div></body>" in visible
    assert "Please restart the kettle." not in visible
    assert "<blockquote>Please restart the kettle.</blockquote>" in quoted


def test_each_inbound_mail_says_why_it_is_in_this_ticket(account, mailbox, receive, agent_client, agent, smtp_sink):
    first = receive(account, raw_mail(), mailbox).message
    ticket = first.ticket
    answer = receive(
        account,
        raw_mail(message_id="<m2@example.com>", body="Still broken.", headers={"In-Reply-To": "<m1@example.com>"}),
        mailbox,
    )
    assert answer.thread_reason == "in_reply_to"
    receive_message(
        ticket=ticket, contact=first.author_contact, kind="email", text="?", meta={"thread_reason": "carrier_pigeon"}
    )
    page = agent_client.get(url(ticket)).content.decode()
    assert (
        '<span class="msg__reason" data-thread-reason="new_ticket" '
        'title="No header and no ticket code matched an existing ticket.">New ticket: nothing matched</span>'
    ) in page
    assert (
        '<span class="msg__reason" data-thread-reason="in_reply_to" '
        'title="The mail&#x27;s In-Reply-To header names a message of this ticket.">Threaded by In-Reply-To</span>'
    ) in page
    assert (
        '<span class="msg__reason" data-thread-reason="carrier_pigeon" title="carrier_pigeon">carrier_pigeon</span>'
        in page
    )


def test_a_mail_from_a_stranger_names_the_mailbox_policy(account, mailbox, receive, agent_client, smtp_sink):
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    raw = raw_mail(
        sender="mallory@elsewhere.test", message_id="<s1@elsewhere.test>", subject=f"Re: kettle [#{ticket.code}]"
    )
    stranger = receive(account, raw, mailbox)
    assert stranger.thread_reason == "stranger_new_ticket"
    page = agent_client.get(url(stranger.message.ticket)).content.decode()
    assert ">New ticket: sender was not a participant (mailbox policy)</span>" in page
    assert f"the mailbox opens a new ticket. It answered ticket #{ticket.code}." in page


# ---- Delivery ----


def test_a_failed_delivery_shows_its_error_and_can_be_retried(email_ticket, agent, post, smtp_sink, agent_client):
    smtp_sink.rcpt_reply = "550 5.1.1 No such user"
    post(url(email_ticket, "reply/"), {"body": "Hello?", "to": "carla@example.com"})
    reply = last_message(email_ticket)
    assert (reply.delivery_status, reply.delivery_error) == ("failed", "carla@example.com: 550 5.1.1 No such user")
    page = agent_client.get(url(email_ticket)).content.decode()
    assert "<span data-delivery-error>carla@example.com: 550 5.1.1 No such user</span>" in page
    assert f'action="/agent/tickets/{email_ticket.public_id}/messages/{reply.public_id}/retry/"' in page

    smtp_sink.rcpt_reply = ""
    response = post(url(email_ticket, f"messages/{reply.public_id}/retry/"), {}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == '{"helpline:toast": {"message": "Sending again.", "kind": "success"}}'
    reply.refresh_from_db()
    assert (reply.delivery_status, reply.delivery_error) == ("sent", "")
    assert smtp_sink.envelopes[0].rcpt_tos == ["carla@example.com"]
    assert AuditEntry.objects.filter(action="reply.retried", subject_id=email_ticket.public_id).count() == 1
    assert "data-delivery-error" not in response.content.decode()


def test_only_a_failed_message_can_be_retried(email_ticket, post, smtp_sink):
    post(url(email_ticket, "reply/"), {"body": "Hello", "to": "carla@example.com"})
    reply = last_message(email_ticket)
    smtp_sink.envelopes.clear()
    response = post(url(email_ticket, f"messages/{reply.public_id}/retry/"), {}, **HTMX)
    assert response.status_code == 422
    assert "Only a message that failed to send can be retried." in response["HX-Trigger"]
    assert smtp_sink.envelopes == []
    assert not AuditEntry.objects.filter(action="reply.retried").exists()


# ---- Isolation and permissions ----


@pytest.fixture
def globex_client(other_account, make_agent):
    return signed_in(make_agent(other_account, "bob@globex.test", "Bob"), other_account)


def test_another_accounts_agent_cannot_reply_forward_or_retry_here(email_ticket, globex_client, smtp_sink):
    original = email_ticket.messages.get(direction="in")
    before = (Message.objects.count(), AuditEntry.objects.count())
    for suffix, data in [
        ("reply/", {"body": "hi", "to": "x@example.com"}),
        ("forward/", {"message": original.public_id, "to": "x@example.com"}),
        (f"messages/{original.public_id}/retry/", {}),
    ]:
        assert globex_client.post(url(email_ticket, suffix), data).status_code == 404
    assert globex_client.get(url(email_ticket) + f"?forward={original.public_id}").status_code == 404
    assert (Message.objects.count(), AuditEntry.objects.count()) == before
    assert smtp_sink.envelopes == []


def test_a_message_of_another_ticket_or_account_cannot_be_forwarded(
    email_ticket, agent_client, other_account, account, make_ticket, smtp_sink
):
    theirs = make_ticket(other_account, subject="Globex secret", body="Top secret plans").messages.get()
    other_ticket = make_ticket(account, subject="Another of ours").messages.get()
    before = Message.objects.count()
    for foreign in (theirs, other_ticket):
        response = agent_client.post(
            url(email_ticket, "forward/"), {"message": foreign.public_id, "to": "x@example.com"}
        )
        assert response.status_code == 404
        assert agent_client.get(url(email_ticket) + f"?forward={foreign.public_id}").status_code == 404
        assert agent_client.post(url(email_ticket, f"messages/{foreign.public_id}/retry/")).status_code == 404
    assert Message.objects.count() == before
    assert smtp_sink.envelopes == []


def test_an_agent_without_ticket_work_cannot_forward_or_retry(email_ticket, agent_client, account, agent):
    role = create_role(account=account, name="Reporter", permission_keys=["reports.view"])
    change_role(membership=Membership.objects.get(account=account, user=agent), role="custom", custom_role=role)
    original = email_ticket.messages.get(direction="in")
    assert (
        agent_client.post(
            url(email_ticket, "forward/"), {"message": original.public_id, "to": "x@example.com"}
        ).status_code
        == 403
    )
    assert agent_client.post(url(email_ticket, f"messages/{original.public_id}/retry/")).status_code == 403
    assert email_ticket.messages.count() == 2


# ---- Cost ----


def test_the_ticket_page_of_an_email_thread_costs_the_same_queries_for_3_and_12_messages(
    account, mailbox, receive, agent_client, agent, smtp_sink, django_capture_on_commit_callbacks
):
    ticket = receive(account, raw_mail(html="<p>First</p><blockquote>old</blockquote>"), mailbox).message.ticket

    def add_messages(start: int, n: int):
        for i in range(start, start + n):
            raw = raw_mail(
                message_id=f"<m-{i}@example.com>",
                body=QUOTED_MAIL,
                headers={"In-Reply-To": "<m1@example.com>", "Cc": f"c{i}@example.com"},
            )
            receive(account, raw, mailbox)
            with django_capture_on_commit_callbacks(execute=True):
                from helpline.conversations.actions import send_reply

                send_reply(
                    ticket=ticket, author=agent, text=f"Reply {i}", attachments=[(f"f{i}.txt", b"x", "text/plain")]
                )

    def measure() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = agent_client.get(url(ticket))
        assert response.status_code == 200
        return len(queries)

    add_messages(0, 1)
    assert ticket.messages.count() == 4  # the first mail, its acknowledgement, a mail and a reply
    few = measure()
    add_messages(1, 5)
    assert ticket.messages.count() == 14
    assert measure() == few
