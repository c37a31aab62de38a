"""Customer email templates: sandboxed rendering, defaults, switching on and off, validation."""

import pytest

from helpline.channels.email import templates
from helpline.channels.email.models import EmailTemplate
from helpline.core.errors import DomainError
from helpline.people.actions import find_or_create_contact


@pytest.fixture
def hostile_ticket(account, make_ticket):
    ticket = make_ticket(account, subject="<img src=x onerror=alert(1)> & co", channel="email")
    contact, _ = find_or_create_contact(account=account, kind="email", value="customer@example.com")
    contact.name = '<script>alert("x")</script>'
    contact.save()
    ticket.refresh_from_db()
    return ticket


def test_values_are_escaped_in_html_and_plain_in_text(account, hostile_ticket):
    EmailTemplate.objects.create(
        account=account,
        kind="new_ticket",
        subject="About {{ ticket.subject }}",
        body_html="<p>Hi {{ contact.name }}</p>",
        body_text="Hi {{ contact.name }}",
    )
    mail = templates.render(account, "new_ticket", templates.context_for(hostile_ticket))
    assert mail.subject == "About <img src=x onerror=alert(1)> & co"  # a header: plain text
    assert mail.html == '<p>Hi &lt;script&gt;alert("x")&lt;/script&gt;</p>'
    assert mail.text == 'Hi <script>alert("x")</script>'


@pytest.mark.parametrize(
    "source",
    [
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% if ticket %}x{% endif %}",
        "{% debug %}",
        "{{ contact.name|safe }}",
        "{{ contact.name|pprint }}",
        "{{ ticket.code|stringformat:'s' }}",
    ],
)
def test_only_placeholders_and_harmless_filters_are_allowed(source):
    with pytest.raises(DomainError):
        templates.validate("new_ticket", subject="x", body_html="", body_text=source)


def test_allowed_filters_work(account, ticket):
    templates.validate("new_ticket", subject="x", body_html="", body_text="{{ contact.name|upper }}")
    EmailTemplate.objects.create(
        account=account, kind="new_ticket", subject="{{ ticket.code|lower }}", body_text="{{ contact.name|upper }}"
    )
    mail = templates.render(account, "new_ticket", templates.context_for(ticket))
    assert (mail.subject, mail.text) == (ticket.code.lower(), "CARLA CUSTOMER")


def test_templates_reach_nothing_they_are_not_given(account, ticket):
    EmailTemplate.objects.create(
        account=account,
        kind="new_ticket",
        subject="s",
        body_text=(
            "[{{ ticket.account }}][{{ account.owner.password }}][{{ contact.email }}][{{ settings.SECRET_KEY }}]"
        ),
    )
    mail = templates.render(account, "new_ticket", templates.context_for(ticket))
    assert mail.text == "[][][customer@example.com][]"


def test_a_template_saved_with_tags_falls_back_to_the_default(account, ticket):
    EmailTemplate.objects.create(account=account, kind="new_ticket", subject="s", body_text="{% debug %}")
    mail = templates.render(account, "new_ticket", templates.context_for(ticket))
    assert "Thank you for writing to Acme." in mail.text


def test_agent_reply_wrapper_must_show_the_message():
    with pytest.raises(DomainError, match="must show the message"):
        templates.validate("agent_reply", subject="Re", body_html="<p>Thanks</p>", body_text="")
    templates.validate("agent_reply", subject="Re", body_html="{{ message.html }}", body_text="")


def test_resolved_and_survey_are_off_until_an_admin_switches_them_on(account, ticket):
    context = templates.context_for(ticket, extra={"survey_url": "https://acme.test/s/1"})
    assert templates.render(account, "resolved", context) is None
    assert templates.render(account, "survey", context) is None
    default = templates.default_template("survey")
    EmailTemplate.objects.create(account=account, kind="survey", **default)
    mail = templates.render(account, "survey", context)
    assert "https://acme.test/s/1" in mail.text
    assert f"request {ticket.code}:" in mail.text


def test_the_template_of_the_language_is_chosen(account, ticket):
    EmailTemplate.objects.create(account=account, kind="new_ticket", locale="en", subject="Hello", body_text="en")
    EmailTemplate.objects.create(account=account, kind="new_ticket", locale="de", subject="Hallo", body_text="de")
    assert templates.render(account, "new_ticket", templates.context_for(ticket), locale="de").text == "de"
    assert templates.render(account, "new_ticket", templates.context_for(ticket), locale="fr").text == "en"


def test_defaults_exist_for_every_kind_and_are_valid():
    for kind, _label in EmailTemplate.KIND_CHOICES:
        default = templates.default_template(kind)
        templates.validate(kind, **default)
        assert "{{ ticket.code }}" in default["subject"]
