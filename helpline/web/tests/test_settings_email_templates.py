"""Settings → Email templates (edit, preview in a sandboxed iframe, reset) and My profile (the agent's signature)."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.email.models import EmailTemplate
from helpline.channels.email.template_actions import save_email_template
from helpline.security.models import AuditEntry
from helpline.tenancy.models import Membership
from helpline.web.tests.conftest import HTMX, signed_in

LIST = "/agent/settings/email-templates/"
RESOLVED_DE = "/agent/settings/email-templates/resolved/de/"
PROFILE = "/agent/settings/profile/"


def _template(**overrides) -> dict:
    data = {
        "subject": "Gelöst: {{ ticket.subject }} [#{{ ticket.code }}]",
        "body_html": "<p>Hallo {{ contact.name|upper }},</p><p>{{ brand.name }}</p>",
        "body_text": "Hallo {{ contact.name }},\n\n{{ brand.name }}",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_the_list_shows_every_kind_in_every_language(owner_client):
    response = owner_client.get(LIST)
    assert response.status_code == 200
    pairs = [(row["kind"], row["locale"], row["customised"], row["active"]) for row in response.context["rows"]]
    assert len(pairs) == 16
    assert pairs[:4] == [
        ("new_ticket", "en", False, True),
        ("new_ticket", "de", False, True),
        ("new_ticket", "fr", False, True),
        ("new_ticket", "es", False, True),
    ]
    assert ("resolved", "de", False, False) in pairs and ("survey", "en", False, False) in pairs
    assert 'href="/agent/settings/email-templates/survey/es/"' in response.content.decode()


def test_the_list_costs_the_same_queries_with_no_and_many_own_templates(owner_client, account):
    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(LIST).status_code == 200
        return len(queries)

    before = measure()
    for kind in ("new_ticket", "resolved", "survey"):
        for locale in ("en", "de"):
            save_email_template(
                account=account, kind=kind, locale=locale, subject="Hi {{ ticket.code }}", body_html="",
                body_text="Hello", is_active=True,
            )  # fmt: skip
    assert measure() == before
    assert sum(row["customised"] for row in owner_client.get(LIST).context["rows"]) == 6


def test_the_edit_form_starts_from_the_built_in_text(owner_client):
    response = owner_client.get("/agent/settings/email-templates/new_ticket/en/")
    assert response.status_code == 200
    values = response.context["values"]
    assert values["subject"] == "Re: {{ ticket.subject }} [#{{ ticket.code }}]"
    assert values["body_text"].startswith("Hello {{ contact.name }},\n\nThank you for writing to {{ brand.name }}.")
    assert values["is_active"] is True


def test_saving_stores_the_exact_text_and_an_audit_row(owner_client, account, owner):
    response = owner_client.post(RESOLVED_DE, _template())
    assert response.status_code == 302
    assert response["Location"] == RESOLVED_DE
    row = EmailTemplate.objects.get(account=account)
    assert (row.kind, row.locale, row.subject, row.body_html, row.body_text, row.is_active) == (
        "resolved",
        "de",
        "Gelöst: {{ ticket.subject }} [#{{ ticket.code }}]",
        "<p>Hallo {{ contact.name|upper }},</p><p>{{ brand.name }}</p>",
        "Hallo {{ contact.name }},\n\n{{ brand.name }}",
        True,
    )
    entry = AuditEntry.objects.get(account=account, action="email_template.created")
    assert (entry.actor_user_id, entry.data) == (owner.pk, {"kind": "resolved", "locale": "de", "is_active": True})
    owner_client.post(RESOLVED_DE, _template(is_active=""))
    assert EmailTemplate.objects.get(pk=row.pk).is_active is False
    rows = [(r["kind"], r["locale"], r["customised"], r["active"]) for r in owner_client.get(LIST).context["rows"]]
    assert ("resolved", "de", True, False) in rows


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"body_html": "<p>{% if contact.name %}hi{% endif %}</p>"},
            "Templates may only use {{ placeholders }}, not {% if %}.",
        ),
        ({"subject": "Re: {{ ticket.subject|safe }}"}, "The filter in {{ ticket.subject|safe }} is not allowed."),
        ({"body_text": "Hi {{ contact.name|lower: }}"}, "The placeholder {{ contact.name|lower: }} is not valid."),
        ({"subject": "", "body_html": "", "body_text": ""}, "A template needs a subject and a body."),
        ({"subject": "x" * 256}, "The subject may be at most 255 characters long."),
    ],
)
def test_invalid_templates_are_form_errors_and_save_nothing(owner_client, account, overrides, message):
    response = owner_client.post(RESOLVED_DE, _template(**overrides))
    assert response.status_code == 422
    assert html.escape(message, quote=True) in response.content.decode()
    assert not EmailTemplate.objects.filter(account=account).exists()
    assert not AuditEntry.objects.filter(account=account, action__startswith="email_template").exists()


def test_the_agent_reply_wrapper_must_show_the_message(owner_client, account):
    response = owner_client.post(
        "/agent/settings/email-templates/agent_reply/en/", _template(body_html="<p>Hi</p>", body_text="Hi")
    )
    assert response.status_code == 422
    assert "This template must show the message" in response.content.decode()
    assert not EmailTemplate.objects.filter(account=account).exists()


def test_preview_renders_sample_data_sanitised_in_a_sandboxed_iframe(owner_client, account):
    data = _template(
        body_html='<p>Hallo {{ contact.name|upper }}</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    )
    response = owner_client.post(RESOLVED_DE + "preview/", data, **HTMX)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "Gelöst: Printer on fire [#ABC-234-56789]"
    assert preview.html == '<p>Hallo CARLA CUSTOMER</p><img src="x">'
    assert preview.text == "Hallo Carla Customer,\n\nAcme"
    page = response.content.decode()
    srcdoc = "&lt;p&gt;Hallo CARLA CUSTOMER&lt;/p&gt;&lt;img src=&quot;x&quot;&gt;"
    assert f'<iframe class="mail-preview__frame" sandbox srcdoc="{srcdoc}"' in page
    assert "<script" not in page and "onerror" not in page
    assert not EmailTemplate.objects.filter(account=account).exists()  # a preview stores nothing


def test_preview_of_invalid_syntax_is_a_422_with_the_reason(owner_client):
    response = owner_client.post(RESOLVED_DE + "preview/", _template(subject="{% load static %}"), **HTMX)
    assert response.status_code == 422
    assert "not {% load %}" in html.unescape(response.content.decode())
    full = owner_client.post(RESOLVED_DE + "preview/", _template(subject="{% load static %}"))
    assert full.status_code == 422 and "<html" in full.content.decode()


def test_the_agent_reply_preview_shows_the_agents_signature(owner_client, account, owner):
    Membership.objects.filter(account=account, user=owner).update(signature_html="<p>Olga, <i>Acme</i></p>")
    data = {
        "subject": "Re: {{ ticket.subject }}",
        "body_html": "{{ message.html }}{{ agent.signature }}",
        "body_text": "",
    }
    response = owner_client.post("/agent/settings/email-templates/agent_reply/en/preview/", data, **HTMX)
    assert response.context["preview"].html == (
        "<p>Thank you for your patience. The replacement printer is on its way and should arrive tomorrow.</p>"
        "<p>Olga, <i>Acme</i></p>"
    )


def test_reset_goes_back_to_the_built_in_text(owner_client, account, owner):
    owner_client.post(RESOLVED_DE, _template())
    response = owner_client.post(RESOLVED_DE + "reset/")
    assert response.status_code == 302 and response["Location"] == RESOLVED_DE
    assert not EmailTemplate.objects.filter(account=account).exists()
    actions = list(
        AuditEntry.objects.filter(account=account, action__startswith="email_template").values_list("action", "data")
    )
    assert actions == [
        ("email_template.created", {"kind": "resolved", "locale": "de", "is_active": True}),
        ("email_template.reset", {"kind": "resolved", "locale": "de"}),
    ]
    assert owner_client.get(RESOLVED_DE).context["customised"] is False


def test_unknown_kinds_and_languages_are_404(owner_client, account):
    for url in ["/agent/settings/email-templates/bogus/en/", "/agent/settings/email-templates/resolved/xx/"]:
        assert owner_client.get(url).status_code == 404
        assert owner_client.post(url, _template()).status_code == 404
        assert owner_client.post(url + "preview/", _template()).status_code == 404
        assert owner_client.post(url + "reset/").status_code == 404
    assert not EmailTemplate.objects.filter(account=account).exists()


def test_another_account_never_sees_or_changes_this_accounts_template(owner_client, account, other_account):
    owner_client.post(RESOLVED_DE, _template(subject="Acme only {{ ticket.code }}"))
    other = signed_in(other_account.owner, other_account)
    page = other.get(RESOLVED_DE)
    assert page.status_code == 200
    assert page.context["customised"] is False and "Acme only" not in page.content.decode()
    other.post(RESOLVED_DE, _template(subject="Globex {{ ticket.code }}"))
    other.post(RESOLVED_DE + "reset/")
    assert EmailTemplate.objects.get(account=account).subject == "Acme only {{ ticket.code }}"
    assert not EmailTemplate.objects.filter(account=other_account).exists()


def test_an_agent_without_the_settings_permission_gets_403(agent_client, account):
    assert agent_client.get(LIST).status_code == 403
    assert agent_client.get(RESOLVED_DE).status_code == 403
    assert agent_client.post(RESOLVED_DE, _template()).status_code == 403
    assert agent_client.post(RESOLVED_DE + "preview/", _template()).status_code == 403
    assert agent_client.post(RESOLVED_DE + "reset/").status_code == 403
    assert not EmailTemplate.objects.filter(account=account).exists()


# --- My profile --------------------------------------------------------------------------------------------------


def test_an_agent_edits_their_own_signature_sanitised(agent_client, account, agent):
    page = agent_client.get(PROFILE)
    assert page.status_code == 200
    # a plain agent sees only their own pages: no admin section
    assert [s.key for s in page.context["sections"]] == [
        "profile", "canned_messages", "predefined_answers", "sounds", "notifications",
    ]  # fmt: skip
    raw = '<p>Alice <b>Agent</b></p><script>steal()</script><a href="javascript:alert(1)" onclick="x()">site</a>'
    response = agent_client.post(PROFILE, {"signature_html": raw})
    assert response.status_code == 302 and response["Location"] == PROFILE
    membership = Membership.objects.get(account=account, user=agent)
    assert membership.signature_html == '<p>Alice <b>Agent</b></p><a rel="noopener noreferrer nofollow">site</a>'
    entry = AuditEntry.objects.get(account=account, action="agent.signature_updated")
    assert (entry.actor_user_id, entry.subject_id) == (agent.pk, membership.public_id)
    shown = agent_client.get(PROFILE).content.decode()
    assert "steal()" not in shown and "&lt;script" not in shown and "javascript:" not in shown
    assert 'sandbox srcdoc="&lt;p&gt;Alice &lt;b&gt;Agent&lt;/b&gt;&lt;/p&gt;' in shown


def test_a_signature_is_per_account_and_the_settings_home_still_refuses_a_plain_agent(
    agent_client, account, other_account, agent, make_agent
):
    make_agent(other_account, agent.email)
    agent_client.post(PROFILE, {"signature_html": "<p>Acme Alice</p>"})
    assert Membership.objects.get(account=other_account, user=agent).signature_html == ""
    assert agent_client.get("/agent/settings/").status_code == 403
    assert 'href="/agent/settings/profile/"' in agent_client.get("/agent/").content.decode()


def test_an_empty_signature_clears_it(owner_client, account, owner):
    owner_client.post(PROFILE, {"signature_html": "<p>Olga</p>"})
    owner_client.post(PROFILE, {"signature_html": "   "})
    assert Membership.objects.get(account=account, user=owner).signature_html == ""
