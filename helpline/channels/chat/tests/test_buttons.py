"""Chat buttons: the plan limit, validated appearance, sanitised custom CSS, the demo's button and snippet."""

import pytest

from helpline.channels.chat.actions import create_chat_button, update_chat_button
from helpline.channels.chat.appearance import sanitise_css
from helpline.channels.chat.models import ChatButton
from helpline.core.errors import DomainError, LimitReached
from helpline.security.models import AuditEntry
from helpline.tenancy.usage import count_usage

pytestmark = pytest.mark.django_db


def test_the_plan_limits_the_number_of_chat_buttons(make_account):
    account = make_account("tiny", plan="small")
    create_chat_button(account=account, name="Website")
    with pytest.raises(LimitReached) as caught:
        create_chat_button(account=account, name="Shop")
    assert caught.value.message == "Your Small plan allows 1 chat buttons; you have 1. Upgrade to add more."
    assert list(ChatButton.objects.filter(account=account).values_list("name", flat=True)) == ["Website"]
    assert count_usage(account, "chat_buttons") == 1


def test_create_records_an_audit_row_and_keys_are_unique(account):
    first = create_chat_button(account=account, name="Website", colour="#FF0000", position="bottom-left")
    second = create_chat_button(account=account, name="Shop")
    assert (first.colour, first.position, len(first.key)) == ("#ff0000", "bottom-left", 24)
    assert first.key != second.key
    assert list(AuditEntry.objects.filter(subject_id=first.public_id).values_list("action", flat=True)) == [
        "chat_button.created"
    ]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"colour": "red"}, "A colour is written like #2563eb."),
        ({"position": "top"}, "top is not a valid choice for position."),
        ({"name_field": "maybe"}, "maybe is not a valid choice for name_field."),
        ({"language": "xx"}, "Unknown language xx."),
        (
            {"custom_fields": [{"key": "Order No", "label": "Order"}]},
            "Each custom field needs a key (letters, digits, _) and a label.",
        ),
        ({"custom_fields": [{"key": "email", "label": "Email again"}]}, "The custom field key email is used twice."),
        ({"secret": 1}, "Unknown chat button setting: secret."),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(account, values, message):
    button = create_chat_button(account=account, name="Website")
    with pytest.raises(DomainError) as caught:
        update_chat_button(button=button, **values)
    assert caught.value.message == message
    button.refresh_from_db()
    assert (button.colour, button.position, button.name_field, button.language, button.custom_fields) == (
        "#2563eb",
        "bottom-right",
        "optional",
        "",
        [],
    )


def test_a_department_of_another_account_is_refused(account, other_account):
    from helpline.tenancy.actions import create_department

    foreign = create_department(account=other_account, name="Theirs")
    with pytest.raises(DomainError):
        create_chat_button(account=account, name="Website", department=foreign)
    assert not ChatButton.objects.filter(account=account).exists()


def test_duplicate_names_are_a_clear_error(account):
    create_chat_button(account=account, name="Website")
    with pytest.raises(DomainError) as caught:
        create_chat_button(account=account, name="Website")
    assert caught.value.message == "A chat button named Website exists already."


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        (".launcher { background: #000; }", ".launcher { background: #000; }"),
        ("a{color:red}</style><script>alert(1)</script>", "a{color:red}scriptalert(1)/script"),
        ("@import url(https://evil.test/x.css); p{color:red}", "p{color:red}"),
        ("p{background:url(javascript:alert(1))}", "p{background:)}"),
        ("p{width:expression(alert(1))}", "p{width:alert(1))}"),
        ("p{color:\\72 ed}", "p{color:72 ed}"),
    ],
)
def test_custom_css_is_sanitised(css, kept):
    assert sanitise_css(css) == kept


def test_update_changes_and_audits_only_what_changed(account):
    button = create_chat_button(account=account, name="Website")
    update_chat_button(button=button, welcome_message="Hello!", colour="#2563eb")
    button.refresh_from_db()
    assert button.welcome_message == "Hello!"
    entry = AuditEntry.objects.get(subject_id=button.public_id, action="chat_button.changed")
    assert entry.data == {"welcome_message": ["", "Hello!"]}


def test_demo_creates_one_chat_button_and_prints_its_snippet(db):
    from helpline.demo import create_demo

    first = create_demo()
    second = create_demo()
    button = ChatButton.objects.get(account=first.account)
    assert first.chat_snippet == second.chat_snippet
    assert first.chat_snippet == f'<script src="http://127.0.0.1:8000/widget/{button.key}.js" async></script>'
    assert button.department.name == "Support"
