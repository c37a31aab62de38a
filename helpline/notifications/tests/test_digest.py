"""Email notifications: preferences honoured, a burst gathered into one mail per agent per window, the mail stored
before it is sent and sent through a real SMTP server, nothing for deactivated agents, retries on trouble."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from helpline.channels.email.tests.mail import body
from helpline.conversations import actions as conversations
from helpline.core import clock
from helpline.core.actors import Actor
from helpline.notifications import digest
from helpline.notifications.actions import set_preferences
from helpline.notifications.models import DigestEmail, Notification, PendingEmail
from helpline.notifications.tasks import sweep_notification_digests
from helpline.tenancy.actions import deactivate_member
from helpline.tenancy.models import Membership


def assign_three(team, new_ticket, on_commit):
    tickets = [new_ticket(department=team["billing"], subject=f"Refund {n}") for n in (1, 2, 3)]
    for ticket in tickets:
        with on_commit():
            conversations.assign_ticket(ticket=ticket, assignee=team["alice"], actor=Actor(user=team["bob"]))
    return tickets


def later(minutes: float = 2):
    from django.utils import timezone

    return timezone.now() + timedelta(minutes=minutes)


def test_a_burst_becomes_one_mail_after_the_window(account, team, new_ticket, on_commit, smtp_sink, monkeypatch):
    tickets = assign_three(team, new_ticket, on_commit)
    assert PendingEmail.objects.filter(recipient=team["alice"], digest=None).count() == 3

    assert sweep_notification_digests.call_local() == 0  # the window has not ended: nothing yet
    assert smtp_sink.envelopes == [] and DigestEmail.objects.count() == 0

    monkeypatch.setattr(clock, "now", later)
    assert sweep_notification_digests.call_local() == 1

    stored = DigestEmail.objects.get()
    assert (stored.recipient, stored.to_address, stored.status, stored.attempts) == (
        team["alice"], "alice@acme.test", "sent", 1,
    )  # fmt: skip
    assert len(smtp_sink.envelopes) == 1
    envelope = smtp_sink.envelopes[0]
    assert (envelope.mail_from, envelope.rcpt_tos) == ("<>", ["alice@acme.test"])
    mail = smtp_sink.parsed()
    assert mail["Subject"] == "3 new notifications in Acme"
    assert mail["To"] == "alice@acme.test"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["From"] == f"Acme <{settings.DEFAULT_FROM_EMAIL}>"
    base = settings.BASE_URL
    assert (
        body(mail, "plain")
        == "".join(
            f"Bob Builder assigned {t.code} to you: Refund {n}\n{base}/agent/tickets/{t.public_id}/\n\n"
            for n, t in zip((1, 2, 3), tickets, strict=True)
        )
        + f"-- \nYou get these emails because of your notification settings: {base}/agent/settings/notifications/\n"
    )
    assert PendingEmail.objects.filter(digest=None).count() == 0

    # Run again (a second worker, a repeated task): nothing more is sent.
    assert sweep_notification_digests.call_local() == 0
    assert digest.send(stored.pk) == "skipped"
    assert len(smtp_sink.envelopes) == 1


def test_one_notification_is_mailed_under_its_own_text(team, new_ticket, on_commit, smtp_sink):
    ticket = new_ticket(department=team["billing"], subject="Refund")
    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=team["alice"], actor=Actor(user=team["bob"]))

    with on_commit():
        made = digest.flush(ticket.account_id, team["alice"].pk)  # what the task scheduled at the window's end does
        assert made.status == "queued"  # stored before sending; sent after the commit
    made.refresh_from_db()
    assert made.status == "sent"
    assert smtp_sink.parsed()["Subject"] == f"Bob Builder assigned {ticket.code} to you: Refund"


def test_what_an_agent_switched_off_is_neither_stored_nor_mailed(account, team, new_ticket, on_commit, smtp_sink):
    alice = team["alice"]
    set_preferences(account=account, user=alice, actor=Actor(user=alice), choices={
        "assigned": {"in_app": False, "email": False, "browser": False},
    })  # fmt: skip
    ticket = new_ticket(department=team["billing"])
    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=alice, actor=Actor(user=team["bob"]))

    assert not Notification.objects.filter(recipient=alice).exists()
    assert not PendingEmail.objects.filter(recipient=alice).exists()
    assert digest.flush(account.pk, alice.pk) is None
    assert smtp_sink.envelopes == []


def test_email_only_and_in_app_only(account, team, new_ticket, on_commit):
    alice, carol = team["alice"], team["carol"]
    set_preferences(account=account, user=alice, actor=Actor(user=alice),
                    choices={"assigned": {"in_app": False, "email": True, "browser": False}})  # fmt: skip
    set_preferences(account=account, user=carol, actor=Actor(user=carol),
                    choices={"new_ticket": {"in_app": True, "email": False, "browser": False}})  # fmt: skip
    ticket = new_ticket(department=team["billing"])
    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=alice, actor=Actor(user=team["bob"]))

    assert sorted(Notification.objects.values_list("recipient__email", "kind")) == [("carol@acme.test", "new_ticket")]
    assert sorted(PendingEmail.objects.values_list("recipient__email", "kind")) == [("alice@acme.test", "assigned")]


def test_defaults_mail_assignments_and_replies_but_not_every_new_ticket(team, new_ticket, on_commit):
    ticket = new_ticket(department=team["billing"])  # Carol: in the bell, no mail by default
    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=team["alice"], actor=Actor(user=team["bob"]))
    with on_commit():
        conversations.receive_message(ticket=ticket, contact=ticket.contact, kind="email", text="More")

    assert sorted(PendingEmail.objects.values_list("recipient__email", "kind")) == [
        ("alice@acme.test", "assigned"), ("alice@acme.test", "customer_replied"),
    ]  # fmt: skip


def test_a_deactivated_agent_gets_no_mail(account, owner, team, new_ticket, on_commit, smtp_sink, monkeypatch):
    assign_three(team, new_ticket, on_commit)
    deactivate_member(membership=Membership.objects.get(account=account, user=team["alice"]), actor=Actor(user=owner))

    monkeypatch.setattr(clock, "now", later)
    assert sweep_notification_digests.call_local() == 0

    assert smtp_sink.envelopes == []
    assert DigestEmail.objects.count() == 0
    assert PendingEmail.objects.count() == 0


def test_a_temporary_smtp_failure_is_retried_later_and_a_permanent_one_recorded(team, new_ticket, on_commit, smtp_sink):
    ticket = new_ticket(department=team["billing"])
    with on_commit():
        conversations.assign_ticket(ticket=ticket, assignee=team["alice"], actor=Actor(user=team["bob"]))
    smtp_sink.rcpt_reply = "451 4.3.0 try again later"

    with on_commit():
        made = digest.flush(ticket.account_id, team["alice"].pk)

    made.refresh_from_db()
    assert (made.status, made.attempts, made.error) == ("queued", 1, "alice@acme.test: 451 4.3.0 try again later")
    assert made.next_attempt_at > clock.now()
    assert digest.due_sends(clock.now()) == []
    assert digest.due_sends(made.next_attempt_at) == [made.pk]

    smtp_sink.rcpt_reply = "550 5.1.1 no such user"
    assert digest.send(made.pk) == "failed"
    made.refresh_from_db()
    assert (made.status, made.attempts, made.error) == ("failed", 2, "alice@acme.test: 550 5.1.1 no such user")
    assert smtp_sink.envelopes == []
