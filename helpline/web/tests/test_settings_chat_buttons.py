"""Settings → Chat buttons: list with usage, create and edit with exact values (appearance, template, pre-chat form,
welcome, offline behaviour, business hours), the preview, the embed snippet, deactivate, delete; plan limit; errors
on the form as 422; tenant isolation and permissions; the list's query count."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.channels.chat.actions import create_chat_button
from helpline.channels.chat.models import ChatButton, ChatSession
from helpline.channels.chat.tests.conftest import make_available, start
from helpline.security.models import AuditEntry
from helpline.tenancy.models import Brand, Department
from helpline.web.tests.conftest import signed_in

LIST = "/agent/settings/chat-buttons/"
NEW = "/agent/settings/chat-buttons/new/"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _form(**overrides) -> dict:
    data = {
        "name": "Website",
        "language": "",
        "is_active": "on",
        "colour": "#2563EB",
        "position": "bottom-right",
        "template": "bubble",
        "launcher_text": "",
        "title_text": "",
        "offline_title_text": "",
        "welcome_message": "",
        "custom_css": "",
        "name_field": "optional",
        "email_field": "optional",
        "offline_behaviour": "form",
        "status_after_chat": "answered",
    }
    for day in DAYS:
        data.update({f"hours_{day}_from": "09:00", f"hours_{day}_to": "17:00"})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _snapshot(account) -> list:
    return list(ChatButton.objects.filter(account=account).order_by("id").values())


def test_create_saves_exactly_what_was_entered(owner_client, account, owner):
    brand = Brand.objects.get(account=account)
    department = Department.objects.get(account=account)
    data = _form(
        name="  Shop  ",
        brand=brand.public_id,
        department=department.public_id,
        language="de",
        colour="#16A34A",
        position="bottom-left",
        template="tab",
        launcher_text="Fragen?",
        title_text="Wir helfen",
        offline_title_text="Nachricht hinterlassen",
        welcome_message="Hallo!",
        custom_css=".launcher { box-shadow: none; }",
        name_field="required",
        email_field="hidden",
        custom_label_0="Order number",
        custom_key_0="",
        custom_mode_0="required",
        custom_label_1="Phone",
        custom_key_1="tel",
        custom_mode_1="optional",
        custom_label_2="Dropped",
        custom_mode_2="off",
        offline_behaviour="hide",
        status_after_chat="resolved",
        hours_enabled="on",
        hours_mon_open="on",
        hours_fri_open="on",
        hours_fri_from="22:00",
        hours_fri_to="02:00",
    )
    response = owner_client.post(NEW, data)
    button = ChatButton.objects.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == f"/agent/settings/chat-buttons/{button.public_id}/"
    assert (button.name, button.brand, button.department, button.language, button.is_active) == (
        "Shop", brand, department, "de", True,
    )  # fmt: skip
    assert (button.colour, button.position, button.template) == ("#16a34a", "bottom-left", "tab")
    assert (button.launcher_text, button.title_text, button.offline_title_text, button.welcome_message) == (
        "Fragen?", "Wir helfen", "Nachricht hinterlassen", "Hallo!",
    )  # fmt: skip
    assert button.custom_css == ".launcher { box-shadow: none; }"
    assert (button.name_field, button.email_field) == ("required", "hidden")
    assert button.custom_fields == [
        {"key": "order_number", "label": "Order number", "required": True},
        {"key": "tel", "label": "Phone", "required": False},
    ]
    assert (button.offline_behaviour, button.status_after_chat) == ("hide", "resolved")
    assert button.hours_enabled is True
    assert button.business_hours == {"mon": ["09:00", "17:00"], "fri": ["22:00", "02:00"]}
    entry = AuditEntry.objects.get(account=account, action="chat_button.created")
    assert (entry.actor_user_id, entry.data) == (owner.pk, {"name": "Shop"})


def test_the_edit_page_shows_the_saved_values_the_snippet_and_the_preview(owner_client, account):
    button = create_chat_button(
        account=account, name="Website", colour="#16a34a", template="square", welcome_message="Hi there",
        custom_fields=[{"key": "order", "label": "Order number", "required": True}],
        hours_enabled=True, business_hours={"tue": ["08:30", "12:00"]},
    )  # fmt: skip
    page = owner_client.get(f"/agent/settings/chat-buttons/{button.public_id}/").content.decode()
    assert 'name="colour" x-model="colour" value="#16a34a"' in page
    assert 'value="square" class="visually-hidden" checked' in page
    assert 'name="custom_label_0" value="Order number"' in page
    assert '<option value="required" selected>Required</option>' in page
    assert 'name="hours_tue_open" aria-label="Open on Tuesday" checked' in page
    assert 'name="hours_tue_from" value="08:30"' in page
    assert "Times are in the account's time zone, UTC." in page
    assert (
        f'value="&lt;script src=&quot;http://127.0.0.1:8000/widget/{button.key}.js&quot; async&gt;&lt;/script&gt;"'
        in page
    )
    assert f'src="/agent/settings/chat-buttons/{button.public_id}/preview/" sandbox="allow-same-origin"' in page


def test_edit_changes_settings_and_audits_what_changed(owner_client, account):
    button = create_chat_button(account=account, name="Website")
    response = owner_client.post(
        f"/agent/settings/chat-buttons/{button.public_id}/",
        _form(colour="#DC2626", template="minimal", welcome_message="Welcome!", email_field="required"),
    )
    assert response.status_code == 302
    assert response["Location"] == LIST
    button.refresh_from_db()
    assert (button.colour, button.template, button.welcome_message, button.email_field) == (
        "#dc2626", "minimal", "Welcome!", "required",
    )  # fmt: skip
    entry = AuditEntry.objects.get(account=account, action="chat_button.changed")
    assert sorted(entry.data) == ["colour", "email_field", "template", "welcome_message"]
    assert entry.data["colour"] == ["#2563eb", "#dc2626"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"colour": "blue"}, "A colour is written like #2563eb."),
        ({"colour": "#12345"}, "A colour is written like #2563eb."),
        ({"custom_css": "body { background: url(https://evil.test/x.png) }"}, "Custom CSS cannot load or run anything"),
        ({"custom_css": "@import 'x.css'; p { color: red }"}, "Custom CSS cannot load or run anything"),
        ({"custom_css": "</style><script>alert(1)</script>"}, "Custom CSS cannot load or run anything"),
        ({"custom_css": ".launcher { color: red"}, "The custom CSS has a { without its } (or the other way round)."),
        ({"custom_css": "p{}" * 7000}, "Custom CSS is limited to 20000 characters."),
        ({"name": "  "}, "Give the chat button a name."),
        ({"brand": "nope"}, "Choose a brand and a department of this account."),
        ({"language": "xx"}, "Unknown language xx."),
        ({"hours_enabled": "on"}, "Open at least one day, or switch business hours off."),
        ({"hours_enabled": "on", "hours_mon_open": "on", "hours_mon_from": ""}, "Monday needs a from and a to time."),
        (
            {"hours_enabled": "on", "hours_mon_open": "on", "hours_mon_to": "25:00"},
            "Monday: write times as HH:MM, from 00:00 to 23:59.",
        ),
        (
            {"custom_label_0": "Order", "custom_key_0": "9x", "custom_mode_0": "optional"},
            "Each custom field needs a key",
        ),
    ],
)
def test_invalid_settings_are_explained_on_the_form_with_422(owner_client, account, overrides, message):
    response = owner_client.post(NEW, _form(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ChatButton.objects.filter(account=account).exists()
    assert not AuditEntry.objects.filter(account=account, action__startswith="chat_button.").exists()


def test_an_invalid_edit_keeps_the_typed_values_and_changes_nothing(owner_client, account):
    button = create_chat_button(account=account, name="Website")
    before = _snapshot(account)
    response = owner_client.post(
        f"/agent/settings/chat-buttons/{button.public_id}/", _form(colour="red", welcome_message="Typed text")
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "A colour is written like #2563eb." in page
    assert ">Typed text</textarea>" in page
    assert _snapshot(account) == before


def test_a_duplicate_name_is_a_clear_error(owner_client, account):
    create_chat_button(account=account, name="Website")
    response = owner_client.post(NEW, _form())
    assert response.status_code == 422
    assert "A chat button named Website exists already." in response.content.decode()
    assert ChatButton.objects.filter(account=account).count() == 1


def test_the_plan_limit_is_shown_and_enforced(make_account):
    free = make_account("tiny", plan="free")
    create_chat_button(account=free, name="First")
    client = signed_in(free.owner, free)
    listing = client.get(LIST).content.decode()
    assert '<span class="usage__numbers">1 / 1</span>' in listing
    assert "Your plan has no room for another chat button." in listing
    response = client.post(NEW, _form(name="Second"))
    assert response.status_code == 422
    assert "Your Free plan allows 1 chat buttons; you have 1. Upgrade to add more." in response.content.decode()
    assert list(ChatButton.objects.filter(account=free).values_list("name", flat=True)) == ["First"]


def test_the_list_shows_brand_department_language_state_and_usage(owner_client, account):
    department = Department.objects.get(account=account)
    create_chat_button(account=account, name="Shop", department=department, language="fr")
    create_chat_button(account=account, name="Blog", is_active=False)
    page = owner_client.get(LIST).content.decode()
    assert '<span class="usage__numbers">2 / unlimited</span>' in page
    assert page.index("<strong>Blog</strong>") < page.index("<strong>Shop</strong>")
    assert f'<div class="muted">{department.name}</div>' in page
    assert "<td data-language>French</td>" in page
    assert 'badge badge--deleted">Deactivated' in page
    assert 'badge badge--answered">Active' in page


def test_deactivate_activate_and_delete(owner_client, account, owner):
    button = create_chat_button(account=account, name="Website")
    base = f"/agent/settings/chat-buttons/{button.public_id}/"
    assert owner_client.post(base + "active/", {"active": "0"})["Location"] == LIST
    assert ChatButton.objects.get(pk=button.pk).is_active is False
    assert owner_client.get(f"/widget/{button.key}.js").status_code == 404
    owner_client.post(base + "active/", {"active": "1"})
    assert ChatButton.objects.get(pk=button.pk).is_active is True
    assert owner_client.post(base + "delete/")["Location"] == LIST
    assert not ChatButton.objects.filter(pk=button.pk).exists()
    actions = list(
        AuditEntry.objects.filter(subject_id=button.public_id).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["chat_button.created", "chat_button.changed", "chat_button.changed", "chat_button.deleted"]


def test_a_button_with_a_running_chat_cannot_be_deleted(owner_client, account, agent):
    button = create_chat_button(account=account, name="Website")
    make_available(account, agent)
    start(button, name="Vera")
    assert list(ChatSession.objects.filter(button=button).values_list("state", flat=True)) == ["waiting"]
    response = owner_client.post(f"/agent/settings/chat-buttons/{button.public_id}/delete/")
    assert response.status_code == 422
    assert "A chat through this button is still running." in response.content.decode()
    assert ChatButton.objects.filter(pk=button.pk).exists()
    assert ChatSession.objects.filter(button=button).count() == 1


def test_the_preview_draws_posted_values_without_saving(owner_client, account):
    button = create_chat_button(account=account, name="Website", colour="#2563eb", template="bubble")
    url = f"/agent/settings/chat-buttons/{button.public_id}/preview/"
    saved = owner_client.get(url)
    assert saved.status_code == 200
    assert saved["X-Frame-Options"] == "SAMEORIGIN"
    assert "script-src" not in saved["Content-Security-Policy"]
    assert 'data-colour="#2563eb" data-template="bubble" data-position="bottom-right"' in saved.content.decode()
    posted = owner_client.post(
        url,
        _form(colour="#DC2626", template="tab", position="bottom-left", welcome_message="Hello <b>you</b>",
              custom_css="p { color: red } @import 'x.css';", custom_label_0="Order", custom_mode_0="required"),
    )  # fmt: skip
    page = posted.content.decode()
    assert 'data-colour="#dc2626" data-template="tab" data-position="bottom-left"' in page
    assert '<p class="welcome">Hello &lt;b&gt;you&lt;/b&gt;</p>' in page
    assert "<label>Order *</label>" in page
    assert "@import" not in page and "p { color: red }" in page
    assert owner_client.post(url, _form(colour="nonsense")).content.decode().count('data-colour="#2563eb"') == 1
    button.refresh_from_db()
    assert (button.colour, button.template, button.welcome_message) == ("#2563eb", "bubble", "")
    assert owner_client.get("/agent/settings/chat-buttons/preview/").status_code == 200


def test_another_accounts_admin_gets_404_and_changes_nothing(account, other_account):
    button = create_chat_button(account=account, name="Website")
    before = _snapshot(account)
    client = signed_in(other_account.owner, other_account)
    base = f"/agent/settings/chat-buttons/{button.public_id}/"
    assert client.get(base).status_code == 404
    assert client.post(base, _form(name="Hijacked")).status_code == 404
    assert client.get(base + "preview/").status_code == 404
    assert client.post(base + "preview/", _form()).status_code == 404
    assert client.post(base + "active/", {"active": "0"}).status_code == 404
    assert client.post(base + "delete/").status_code == 404
    assert _snapshot(account) == before
    assert "Website" not in client.get(LIST).content.decode()
    assert button.key not in client.get(LIST).content.decode()
    assert (
        not AuditEntry.objects.filter(action__startswith="chat_button.").exclude(action="chat_button.created").exists()
    )


BUTTON_URLS = ["", "preview/", "active/", "delete/"]


def test_an_agent_without_the_settings_permission_gets_403(agent_client, account):
    button = create_chat_button(account=account, name="Website")
    before = _snapshot(account)
    assert agent_client.get(LIST).status_code == 403
    assert agent_client.get(NEW).status_code == 403
    assert agent_client.post(NEW, _form(name="Mine")).status_code == 403
    assert agent_client.get("/agent/settings/chat-buttons/preview/").status_code == 403
    for suffix in BUTTON_URLS:
        url = f"/agent/settings/chat-buttons/{button.public_id}/{suffix}"
        assert agent_client.post(url, _form(name="Mine")).status_code == 403
    assert _snapshot(account) == before
    assert list(AuditEntry.objects.filter(action__startswith="chat_button.").values_list("action", flat=True)) == [
        "chat_button.created"
    ]


def test_the_list_costs_the_same_queries_for_2_and_8_buttons(owner_client, account):
    department = Department.objects.get(account=account)
    brand = Brand.objects.get(account=account)

    def add(start_at: int, count: int):
        for i in range(start_at, start_at + count):
            create_chat_button(account=account, name=f"Button {i}", brand=brand, department=department)

    def measure() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = owner_client.get(LIST)
        assert response.status_code == 200
        return len(queries)

    add(0, 2)
    small = measure()
    add(2, 6)
    large = measure()
    assert len(owner_client.get(LIST).context["buttons"]) == 8
    assert small == large
    assert large <= 12
