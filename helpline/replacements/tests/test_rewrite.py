"""rewrite_inbound: plain and regex rules, case, HTML text nodes only, disabled rules, channels, caching."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpline.replacements import actions
from helpline.replacements.patterns import InvalidRule
from helpline.replacements.rewrite import rewrite_html, rewrite_inbound


def _rule(account, pattern, replacement="", **kwargs):
    return actions.create_rule(account=account, pattern=pattern, replacement=replacement, **kwargs)


def test_no_rules_leaves_everything_as_it_came(account):
    assert rewrite_inbound(account.pk, "Hi", "text", "<p>html</p>") == ("Hi", "text", "<p>html</p>")


def test_plain_text_is_replaced_literally_and_case_insensitively_by_default(account):
    _rule(account, "ACME Corp", r"Acme \1 Inc.")
    assert rewrite_inbound(account.pk, "acme corp order", "From acme CORP and ACME Corp.", "") == (
        r"Acme \1 Inc. order",
        r"From Acme \1 Inc. and Acme \1 Inc..",
        "",
    )


def test_case_sensitive_rule_only_matches_the_exact_case(account):
    _rule(account, "Secret", "[hidden]", case_sensitive=True)
    assert rewrite_inbound(account.pk, "", "Secret secret SECRET", "")[1] == "[hidden] secret SECRET"


def test_regex_with_numbered_and_named_groups(account):
    _rule(account, r"(\d{4})[- ]?(\d{4})[- ]?(\d{4})[- ]?(?P<last>\d{4})", r"XXXX-XXXX-XXXX-\g<last>", is_regex=True)
    _rule(account, r"order #(\d+)", r"order \1 (ref)", is_regex=True)
    subject, text, html = rewrite_inbound(account.pk, "Order #77", "Card 4111 1111-1111 1234, order #77", "")
    assert subject == "order 77 (ref)"
    assert text == "Card XXXX-XXXX-XXXX-1234, order 77 (ref)"


def test_rules_run_in_order_each_on_the_previous_result(account):
    first = _rule(account, "cat", "dog")
    second = _rule(account, "dog", "bird")
    assert rewrite_inbound(account.pk, "", "cat", "")[1] == "bird"
    actions.reorder_rules(account=account, public_ids=[second.public_id, first.public_id])
    assert rewrite_inbound(account.pk, "", "cat", "")[1] == "dog"


def test_subject_only_and_body_only_rules(account):
    _rule(account, "urgent", "", in_body=False)
    _rule(account, "foo", "bar", in_subject=False)
    assert rewrite_inbound(account.pk, "urgent foo", "urgent foo", "") == (" foo", "urgent bar", "")


def test_html_changes_only_text_nodes_never_tags_or_attributes(account):
    _rule(account, "secret", "[x]")
    html = (
        '<p class="secret" title="a secret">A secret &amp; <b>another SECRET</b></p>'
        '<a href="https://example.com/secret">secret link</a><!-- secret --><img alt="secret" src="secret.png">'
    )
    _s, _t, out = rewrite_inbound(account.pk, "", "", html)
    assert out == (
        '<p class="secret" title="a secret">A [x] &amp; <b>another [x]</b></p>'
        '<a href="https://example.com/secret">[x] link</a><!-- secret --><img alt="secret" src="secret.png">'
    )


def test_html_replacement_text_is_escaped_so_it_cannot_inject_markup(account):
    _rule(account, "name", "<script>alert(1)</script>")
    assert rewrite_html("<p>name &lt;tag&gt;</p>", lambda nodes: [s.replace("name", "<i>") for s in nodes]) == (
        "<p>&lt;i&gt; &lt;tag&gt;</p>"
    )
    assert rewrite_inbound(account.pk, "", "", "<p>name</p>")[2] == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_a_disabled_rule_is_ignored(account):
    rule = _rule(account, "foo", "bar", enabled=False)
    assert rewrite_inbound(account.pk, "foo", "foo", "<i>foo</i>") == ("foo", "foo", "<i>foo</i>")
    actions.update_rule(rule=rule, enabled=True)
    assert rewrite_inbound(account.pk, "foo", "foo", "<i>foo</i>") == ("bar", "bar", "<i>bar</i>")


def test_a_channel_filter_limits_the_rule(account):
    _rule(account, "foo", "bar", channels=["chat"])
    assert rewrite_inbound(account.pk, "", "foo", "", channel="email")[1] == "foo"
    assert rewrite_inbound(account.pk, "", "foo", "", channel="chat")[1] == "bar"


def test_another_accounts_rules_never_apply(account, other_account):
    _rule(other_account, "foo", "bar")
    assert rewrite_inbound(account.pk, "foo", "foo", "foo") == ("foo", "foo", "foo")
    assert rewrite_inbound(other_account.pk, "foo", "foo", "") == ("bar", "bar", "")


def test_one_query_at_most_and_none_once_cached_and_a_change_is_seen_at_once(account):
    rule = _rule(account, "foo", "bar")
    with CaptureQueriesContext(connection) as first:
        assert rewrite_inbound(account.pk, "", "foo", "")[1] == "bar"
    assert len(first) <= 1
    with CaptureQueriesContext(connection) as cached:
        assert rewrite_inbound(account.pk, "", "foo", "")[1] == "bar"
    assert len(cached) == 0
    actions.update_rule(rule=rule, replacement="baz")
    with CaptureQueriesContext(connection) as after_change:
        assert rewrite_inbound(account.pk, "", "foo", "")[1] == "baz"
    assert len(after_change) == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"pattern": "(unclosed", "is_regex": True}, "pattern",
         "This is not a valid regular expression: missing ) at position 9."),
        ({"pattern": "a*", "is_regex": True}, "pattern", "The regular expression must not match empty text."),
        ({"pattern": ""}, "pattern", "Enter the text to search for."),
        ({"pattern": "x" * 501}, "pattern", "Use at most 500 characters for the search."),
        ({"pattern": "(a)", "replacement": r"\2", "is_regex": True}, "replacement",
         "The replacement refers to group 2, but the expression has 1 groups."),
        ({"pattern": "(a)", "replacement": r"\g<nope>", "is_regex": True}, "replacement",
         "The replacement refers to a group named nope that the expression lacks."),
        ({"pattern": "a", "replacement": "\\", "is_regex": True}, "replacement",
         "The replacement is not valid: bad escape (end of pattern) at position 1."),
        ({"pattern": "a", "channels": ["pigeon"]}, "channels",
         "Unknown channel pigeon; choose from: call, chat, email, form, social, web."),
        ({"pattern": "a", "in_subject": False, "in_body": False}, "in_body",
         "Apply the rule to the subject, the body or both."),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_with_the_field_and_nothing_is_saved(account, values, field, message):
    from helpline.replacements.models import ReplacementRule
    from helpline.security.models import AuditEntry

    with pytest.raises(InvalidRule) as raised:
        actions.create_rule(account=account, **{"replacement": "", **values})
    assert (raised.value.field, str(raised.value.message)) == (field, message)
    assert raised.value.status == 422
    assert not ReplacementRule.objects.filter(account=account).exists()
    assert not AuditEntry.objects.filter(account=account, action__startswith="replacement_rule").exists()


def test_catastrophic_backtracking_is_stopped_and_the_text_kept(account, monkeypatch):
    import time

    from helpline.replacements import rewrite

    monkeypatch.setattr(rewrite, "BUDGET_SECONDS", 0.2)
    _rule(account, r"(a|aa)+b", "matched", is_regex=True)  # exponential on a run of a's without a b
    _rule(account, "tail", "TAIL")  # runs if the budget has time left, else is skipped too
    text = "a" * 40 + " tail"
    started = time.monotonic()
    _s, out, _h = rewrite_inbound(account.pk, "", text, "")
    assert time.monotonic() - started < 5  # unbounded, this takes longer than the age of the universe
    assert out in (text, text.replace("tail", "TAIL"))


def test_anchored_and_lookaround_patterns_apply_to_each_text_node(account):
    _rule(account, r"^Hello", "Hi", is_regex=True)  # anchored: each node on its own
    _rule(account, r"(?<!\w)cat(?!\w)", "dog", is_regex=True)
    html = "<p>Hello there</p><p>Hello again, cat</p><p>concatenate</p>"
    assert rewrite_inbound(account.pk, "", "", html)[2] == "<p>Hi there</p><p>Hi again, dog</p><p>concatenate</p>"


def test_a_rule_that_matches_nothing_leaves_every_node_as_it_was(account):
    _rule(account, r"\d{3}-\d{4}", "[phone]", is_regex=True)
    html = "<div>No &amp; numbers<br>here &nbsp; at all</div>"
    assert rewrite_inbound(account.pk, "", "", html)[2] == html  # exactly as it came, entities and all
