"""The satisfaction survey: mailed after resolution, a signed expiring link, no login, one rating per ticket."""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing
from django.test import Client

from helpline.channels.email import templates
from helpline.channels.email.models import EmailTemplate
from helpline.channels.email.tests.mail import body, raw_mail
from helpline.conversations import actions as conversations
from helpline.events import bus
from helpline.events.types import RatingReceived
from helpline.security.models import AuditEntry
from helpline.surveys import tokens
from helpline.surveys.actions import record_rating
from helpline.surveys.models import Rating


@pytest.fixture
def surveys_on(account):
    EmailTemplate.objects.create(account=account, kind="survey", **templates.default_template("survey"))


@pytest.fixture
def email_ticket(account, mailbox, receive, smtp_sink):
    ticket = receive(account, raw_mail(), mailbox).message.ticket
    smtp_sink.envelopes.clear()
    return ticket


def _url(ticket) -> str:
    return f"/survey/{tokens.make_token(ticket)}/"


def _events(monkeypatch) -> list:
    seen = []
    original = bus.dispatch

    def record(event, skip=frozenset()):
        seen.append(event)
        original(event, skip)

    monkeypatch.setattr(bus, "dispatch", record)
    return seen


def test_resolving_mails_the_survey_link_which_opens_without_login(
    surveys_on, email_ticket, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversations.change_status(ticket=email_ticket, status="resolved")
    [envelope] = smtp_sink.envelopes
    assert envelope.rcpt_tos == ["carla@example.com"]
    text = body(smtp_sink.parsed(), "plain")
    assert f"Please tell us about your experience with request {email_ticket.code}:" in text
    [link] = re.findall(r"http://127\.0\.0\.1:8000(/survey/\S+/)", text)
    response = Client().get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "How did we do?" in page and email_ticket.code in page and 'name="csrfmiddlewaretoken"' in page


def test_no_survey_while_the_template_is_off_or_after_a_rating(
    account, email_ticket, smtp_sink, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversations.change_status(ticket=email_ticket, status="resolved")
    assert smtp_sink.envelopes == []
    EmailTemplate.objects.create(account=account, kind="survey", **templates.default_template("survey"))
    record_rating(ticket=email_ticket, value="good")
    with django_capture_on_commit_callbacks(execute=True):
        conversations.change_status(ticket=email_ticket, status="open")
        conversations.change_status(ticket=email_ticket, status="resolved")
    assert smtp_sink.envelopes == []


def test_a_rating_is_stored_once_and_a_second_answer_changes_only_the_comment(
    email_ticket, agent, monkeypatch, django_capture_on_commit_callbacks
):
    conversations.assign_ticket(ticket=email_ticket, assignee=agent)
    seen = _events(monkeypatch)
    client = Client(enforce_csrf_checks=True)
    url = _url(email_ticket)
    csrf = client.get(url).cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"value": "good", "comment": "Quick!", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200 and "Your answer has been saved." in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.ticket_id, rating.value, rating.comment, rating.source, rating.agent_id) == (
        email_ticket.pk,
        "good",
        "Quick!",
        "email",
        agent.pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"value": "bad", "comment": "Actually slow.", "csrfmiddlewaretoken": csrf})
    rating.refresh_from_db()
    assert (Rating.objects.count(), rating.value, rating.comment) == (1, "good", "Actually slow.")
    ratings = [e for e in seen if isinstance(e, RatingReceived)]
    assert [(e.value, e.changed, e.rating_id, e.ticket_id) for e in ratings] == [
        ("good", False, rating.pk, email_ticket.pk),
        ("good", True, rating.pk, email_ticket.pk),
    ]
    assert list(AuditEntry.objects.filter(subject_type="rating").values_list("action", flat=True).order_by("id")) == [
        "rating.received",
        "rating.comment_changed",
    ]
    page = client.get(url).content.decode()
    assert "You have rated this request already." in page and "Actually slow." in page


def test_the_form_needs_its_csrf_token_and_a_valid_value(email_ticket):
    client = Client(enforce_csrf_checks=True)
    url = _url(email_ticket)
    assert client.post(url, {"value": "good"}).status_code == 403
    csrf = client.get(url).cookies["csrftoken"].value
    response = client.post(url, {"value": "meh", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 400 and "Choose good or bad." in response.content.decode()
    response = client.post(url, {"value": "bad", "comment": "x" * 5001, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_opening_the_link_stores_nothing_even_with_a_preselected_answer(email_ticket):
    response = Client().get(_url(email_ticket) + "?value=bad")
    assert 'value="bad" checked' in response.content.decode()
    assert not Rating.objects.exists()


def test_a_tampered_or_foreign_salt_token_is_a_404(email_ticket):
    token = tokens.make_token(email_ticket)
    assert Client().get(f"/survey/{token[:-2]}xx/").status_code == 404
    other_salt = signing.dumps({"a": email_ticket.account.public_id, "t": email_ticket.public_id}, salt="other")
    assert Client().get(f"/survey/{other_salt}/").status_code == 404
    assert Client().post(f"/survey/{token[:-2]}xx/", {"value": "good"}).status_code == 404
    assert not Rating.objects.exists()


def test_an_expired_token_is_refused(email_ticket):
    class Then(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - tokens.MAX_AGE - 60)

    payload = {"a": email_ticket.account.public_id, "t": email_ticket.public_id}
    old = Then(salt=tokens.SALT).sign_object(payload, compress=True)
    assert tokens.read_token(tokens.make_token(email_ticket)) == tokens.SurveyToken(*payload.values())
    with pytest.raises(tokens.Expired):
        tokens.read_token(old)
    response = Client().post(f"/survey/{old}/", {"value": "good"})
    assert response.status_code == 410 and "This survey link has expired." in response.content.decode()
    assert not Rating.objects.exists()


def test_a_token_of_one_account_never_reads_or_writes_another(account, other_account, make_ticket, email_ticket):
    theirs = make_ticket(other_account, subject="Their secret subject")
    crossed = signing.dumps({"a": account.public_id, "t": theirs.public_id}, salt=tokens.SALT, compress=True)
    for response in (Client().get(f"/survey/{crossed}/"), Client().post(f"/survey/{crossed}/", {"value": "bad"})):
        assert response.status_code == 404
        assert "Their secret subject" not in response.content.decode()
    assert not Rating.objects.exists()
    mine = Client().post(_url(email_ticket), {"value": "good"})
    assert mine.status_code == 200
    assert list(Rating.objects.values_list("account_id", "ticket_id")) == [(account.pk, email_ticket.pk)]


def test_the_rating_shows_on_the_ticket_side_panel(owner_client, email_ticket):
    page = owner_client.get(f"/agent/tickets/{email_ticket.public_id}/").content.decode()
    assert "data-ticket-rating" not in page
    record_rating(ticket=email_ticket, value="bad", comment="Took <b>days</b>")
    page = owner_client.get(f"/agent/tickets/{email_ticket.public_id}/").content.decode()
    assert 'data-rating="bad"' in page and "Took &lt;b&gt;days&lt;/b&gt;" in page


def test_a_rating_reaches_webhooks_subscribed_to_it(account, email_ticket, django_capture_on_commit_callbacks):
    from helpline.testing.recording_server import recording_server
    from helpline.webhooks import actions as webhooks

    with recording_server() as server:
        webhooks.set_allowed_ranges(account=account, ranges=["127.0.0.0/8"])
        webhooks.create_webhook(account=account, name="R", url=server.url + "/r", event_types=["rating.received"])
        with django_capture_on_commit_callbacks(execute=True):
            rating, _created = record_rating(ticket=email_ticket, value="good", comment="Thanks")
        [request] = server.requests
    data = request.json()["data"]
    assert request.json()["type"] == "rating.received"
    assert data["ticket"]["id"] == email_ticket.public_id
    assert {k: data["rating"][k] for k in ("id", "value", "comment", "source")} == {
        "id": rating.public_id,
        "value": "good",
        "comment": "Thanks",
        "source": "email",
    }
