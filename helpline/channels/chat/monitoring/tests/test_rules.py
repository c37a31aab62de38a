"""Proactive invitation rules: every condition, exactly; what the widget is told on a page view; the rules' own
validation; invitations shown, accepted and dismissed."""

from __future__ import annotations

import pytest

from helpline.channels.chat.monitoring import actions, selectors
from helpline.channels.chat.monitoring.models import Invitation, InvitationRule
from helpline.channels.chat.monitoring.rules import invitations_due, rule_matches, url_matches
from helpline.channels.chat.monitoring.tests.conftest import VISITOR, view
from helpline.core.errors import DomainError
from helpline.security.models import AuditEntry


def _rule(**values) -> InvitationRule:
    defaults = {"public_id": "r1", "message": "Need help?", "url_pattern": "", "min_seconds_on_page": 0}
    defaults.update(min_page_views=0, min_visits=0, referrer_contains="")
    return InvitationRule(**{**defaults, **values})


def _matches(rule, url="https://shop.example/pricing?plan=pro", referrer="", page_views=1, visits=1):
    return rule_matches(rule, url=url, referrer=referrer, page_views=page_views, visits=visits)


@pytest.mark.parametrize(
    ("pattern", "url", "expected"),
    [
        ("", "https://shop.example/anything", True),
        ("*/pricing*", "https://shop.example/pricing?plan=pro", True),
        ("*/pricing", "https://shop.example/pricing?plan=pro", False),
        ("/pricing*", "https://shop.example/pricing?plan=pro", True),
        ("/pricing", "https://shop.example/pricing", True),
        ("/pricing", "https://shop.example/pricing/", False),
        ("/pricing", "https://shop.example/Pricing", False),
        ("/shop/*/cart", "https://shop.example/shop/eu/cart", True),
        ("/p?icing", "https://shop.example/pricing", True),
        ("https://shop.example/*", "https://other.example/shop.example/x", False),
    ],
)
def test_url_patterns(pattern, url, expected):
    assert url_matches(pattern, url) is expected


def test_each_condition_alone():
    assert _matches(_rule(min_page_views=3), page_views=3)
    assert not _matches(_rule(min_page_views=3), page_views=2)
    assert _matches(_rule(min_visits=2), visits=2)
    assert not _matches(_rule(min_visits=2), visits=1)
    assert _matches(_rule(referrer_contains="Google"), referrer="https://www.google.com/search?q=x")
    assert not _matches(_rule(referrer_contains="google"), referrer="https://bing.com/")
    assert not _matches(_rule(referrer_contains="google"), referrer="")
    assert _matches(_rule(url_pattern="/pricing*"))
    assert not _matches(_rule(url_pattern="/checkout*"))
    assert _matches(_rule(min_seconds_on_page=30))  # the widget waits for the time on page


def test_all_conditions_must_hold():
    rule = _rule(url_pattern="/pricing*", min_page_views=2, min_visits=2, referrer_contains="google")
    assert _matches(rule, page_views=2, visits=2, referrer="https://google.com/")
    assert not _matches(rule, page_views=1, visits=2, referrer="https://google.com/")
    assert not _matches(rule, page_views=2, visits=1, referrer="https://google.com/")
    assert not _matches(rule, page_views=2, visits=2, referrer="https://bing.com/")
    assert not _matches(rule, url="https://shop.example/", page_views=2, visits=2, referrer="https://google.com/")


def test_the_widget_is_told_the_matching_rules_soonest_first():
    rules = [
        _rule(public_id="late", message="Late", min_seconds_on_page=60),
        _rule(public_id="never", message="Never", min_visits=5),
        _rule(public_id="soon", message="Soon", min_seconds_on_page=2),
    ]
    due = invitations_due(rules, url="https://shop.example/", referrer="", page_views=1, visits=1)
    assert due == [
        {"rule": "soon", "message": "Soon", "after": 2},
        {"rule": "late", "message": "Late", "after": 60},
    ]


@pytest.mark.django_db
def test_invitations_for_a_page_view_skip_shown_rules_other_buttons_and_chatting_visitors(button, account):
    from helpline.channels.chat.actions import create_chat_button
    from helpline.channels.chat.tests.conftest import make_available, start

    make_available(account, account.owner)
    second = create_chat_button(account=account, name="Docs")
    rule = actions.create_invitation_rule(
        account=account,
        name="Pricing",
        message="Questions about plans?",
        url_pattern="/pricing*",
        min_seconds_on_page=2,
    )
    actions.create_invitation_rule(account=account, name="Docs only", message="Docs?", button=second)
    actions.create_invitation_rule(account=account, name="Off", message="Off", is_active=False)
    recorded = view(button)
    assert selectors.invitations_for(button, recorded.visit, recorded.url) == [
        {"rule": rule.public_id, "message": "Questions about plans?", "after": 2}
    ]
    shown = actions.record_rule_invitation_shown(visit=recorded.visit, rule_public_id=rule.public_id)
    assert actions.record_rule_invitation_shown(visit=recorded.visit, rule_public_id=rule.public_id).pk == shown.pk
    assert (shown.message, shown.rule_id, shown.agent_id, shown.shown_at is not None) == (
        "Questions about plans?",
        rule.pk,
        None,
        True,
    )
    assert selectors.invitations_for(button, recorded.visit, recorded.url) == []  # once a visit
    Invitation.objects.all().delete()
    start(button, VISITOR, name="Vera")
    assert selectors.invitations_for(button, recorded.visit, recorded.url) == []  # chatting already


@pytest.mark.django_db
def test_accepted_and_dismissed_are_recorded_once_for_the_visitor_s_own_invitation(button, other_button):
    recorded = view(button)
    invitation = Invitation.objects.create(account=button.account, visit=recorded.visit, message="Hi")
    kwargs = {"account": button.account, "invitation": invitation.public_id}
    assert not actions.answer_invitation(visitor_id="someone-else-0123456789", event="accepted", **kwargs)
    assert not actions.answer_invitation(
        account=other_button.account, visitor_id=VISITOR, invitation=invitation.public_id, event="accepted"
    )
    assert not actions.answer_invitation(visitor_id=VISITOR, event="hacked", **kwargs)
    assert actions.answer_invitation(visitor_id=VISITOR, event="accepted", **kwargs)
    first = Invitation.objects.get().accepted_at
    assert not actions.answer_invitation(visitor_id=VISITOR, event="accepted", **kwargs)
    assert Invitation.objects.get().accepted_at == first
    assert Invitation.objects.get().dismissed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "", "message": "Hi"}, "Fill in the name."),
        ({"name": "A", "message": " "}, "Fill in the message."),
        (
            {"name": "A", "message": "Hi", "min_seconds_on_page": -1},
            "The time on page must be a whole number from 0 to 3600.",
        ),
        (
            {"name": "A", "message": "Hi", "min_visits": 1001},
            "The number of visits must be a whole number from 0 to 1000.",
        ),
        ({"name": "A", "message": "x" * 501}, "Use at most 500 characters for the message."),
        ({"name": "A", "message": "Hi", "colour": "red"}, "Unknown invitation rule setting: colour."),
    ],
)
def test_bad_rules_are_refused_with_a_message(account, values, message):
    with pytest.raises(DomainError) as error:
        actions.create_invitation_rule(account=account, **values)
    assert str(error.value.message) == message
    assert InvitationRule.objects.count() == 0


@pytest.mark.django_db
def test_a_rule_cannot_name_another_account_s_button_and_names_are_unique(account, other_button):
    with pytest.raises(DomainError):
        actions.create_invitation_rule(account=account, name="A", message="Hi", button=other_button)
    actions.create_invitation_rule(account=account, name="A", message="Hi")
    with pytest.raises(DomainError) as error:
        actions.create_invitation_rule(account=account, name="A", message="Again")
    assert error.value.message == "A rule named A exists already."
    assert InvitationRule.objects.count() == 1
    assert AuditEntry.objects.filter(action="chat_invitation_rule.created").count() == 1
