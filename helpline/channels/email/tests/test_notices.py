"""Status notices (ticket resolved): off by default, on once the account has an active template."""

from helpline.channels.email import autoreply, templates
from helpline.channels.email.models import AutoReplyLog, EmailTemplate
from helpline.channels.email.tests.mail import body, raw_mail
from helpline.conversations import actions
from helpline.events.types import TicketStatusChanged


def resolved(ticket):
    return TicketStatusChanged(
        account_id=ticket.account_id, ticket_id=ticket.pk, from_status="open", to_status="resolved"
    )


def test_resolved_notice_is_off_by_default(
    account, mailbox, receive, smtp_sink, django_capture_on_commit_callbacks, django_assert_num_queries
):
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    smtp_sink.envelopes.clear()
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(1):  # is it on? nothing more
        autoreply.notify_resolved(resolved(ticket))
    assert smtp_sink.envelopes == []
    # Switched off in every language (an inactive template) is off just as cheaply.
    EmailTemplate.objects.create(
        account=account, kind="resolved", is_active=False, **templates.default_template("resolved")
    )
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(1):
        autoreply.notify_resolved(resolved(ticket))
    assert smtp_sink.envelopes == []


def test_resolved_notice_once_switched_on(account, mailbox, receive, smtp_sink, django_capture_on_commit_callbacks):
    EmailTemplate.objects.create(account=account, kind="resolved", **templates.default_template("resolved"))
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    smtp_sink.envelopes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_status(ticket=ticket, status="resolved")
    [envelope] = smtp_sink.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("<>", ["carla@example.com"])
    mail = smtp_sink.parsed()
    assert mail["Auto-Submitted"] == "auto-generated"
    assert f"We have marked your request {ticket.code} as resolved." in body(mail, "plain")
    ticket.refresh_from_db()
    assert ticket.status == "resolved"  # a notice changes nothing
    assert AutoReplyLog.objects.filter(kind="resolved").count() == 1


def test_other_status_changes_send_nothing(account, mailbox, receive, smtp_sink, django_capture_on_commit_callbacks):
    EmailTemplate.objects.create(account=account, kind="resolved", **templates.default_template("resolved"))
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    smtp_sink.envelopes.clear()
    event = TicketStatusChanged(account_id=account.pk, ticket_id=ticket.pk, from_status="new", to_status="open")
    with django_capture_on_commit_callbacks(execute=True):
        autoreply.notify_resolved(event)
    assert smtp_sink.envelopes == []
