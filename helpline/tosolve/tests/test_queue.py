"""To solve's order, rule by rule: which tickets wait for an agent, earliest due first (a default deadline for
tickets without one), longest waiting next, tickets another agent has open skipped, the "last agent" mode."""

from __future__ import annotations

import pytest

from helpline.conversations.actions import send_reply
from helpline.conversations.models import Ticket
from helpline.tenancy.actions import set_department_members, set_work_defaults
from helpline.tenancy.models import TO_SOLVE_LAST_AGENT, Membership
from helpline.tosolve import claims
from helpline.tosolve.queue import COUNT_CAP, count_waiting, next_ticket, ordered_queue, waiting_for
from helpline.tosolve.tests.conftest import restrict

pytestmark = pytest.mark.django_db


def subjects(membership, mode="queue") -> list[str]:
    return [t.subject for t in ordered_queue(membership, mode)]


def test_only_tickets_waiting_on_the_team_are_in_the_queue(membership, place, support):
    for status in ("new", "open", "answered", "postponed", "resolved", "spam", "deleted", "chatting"):
        place(status, status=status, department=support, due=1)
    assert sorted(subjects(membership)) == ["new", "open"]


def test_the_earliest_due_time_comes_first(membership, place, support):
    place("due in 5 h", due=5, department=support)
    place("due in 1 h", due=1, department=support, status="open")
    place("overdue", due=-2, department=support)
    assert subjects(membership) == ["overdue", "due in 1 h", "due in 5 h"]


def test_a_ticket_without_a_due_time_counts_as_due_seven_days_after_its_last_activity(membership, place, support):
    place("due in 2 days", due=48, department=support)
    place("no due, active 8 days ago", due=None, active=-8 * 24, department=support)  # counts as due 1 day ago
    place("no due, active now", due=None, active=0, department=support)  # counts as due in 7 days
    place("due in 8 days", due=8 * 24, department=support)
    assert subjects(membership) == [
        "no due, active 8 days ago",
        "due in 2 days",
        "no due, active now",
        "due in 8 days",
    ]


def test_on_equal_due_times_the_longest_waiting_comes_first_then_the_oldest_ticket(membership, place, support):
    second = place("waiting 1 h", due=3, active=-1, department=support)
    place("waiting 2 h", due=3, active=-2, department=support)
    place("waiting 1 h, newer ticket", due=3, active=-1, department=support)
    assert second.pk < Ticket.objects.get(subject="waiting 1 h, newer ticket").pk
    assert subjects(membership) == ["waiting 2 h", "waiting 1 h", "waiting 1 h, newer ticket"]


def test_the_queue_holds_tickets_of_the_agents_departments_and_their_own(
    account, membership, agent, bob, place, support, billing
):
    place("mine elsewhere", due=1, department=billing, assignee=agent)
    place("unassigned here", due=2, department=support)
    place("bob's here", due=0, department=support, assignee=bob)
    place("unassigned elsewhere", due=0, department=billing)
    place("no department", due=3)
    assert subjects(membership) == ["mine elsewhere", "unassigned here", "no department"]
    restricted = restrict(account, membership)  # sees only their departments' tickets: none without a department
    assert subjects(restricted) == ["mine elsewhere", "unassigned here"]


def test_next_ticket_skips_tickets_another_agent_has_open(membership, bob, place, support):
    first = place("first", due=1, department=support)
    second = place("second", due=2, department=support)
    assert next_ticket(membership) == first
    claims.hold(ticket_id=first.pk, user_id=bob.pk)
    assert next_ticket(membership) == second
    claims.hold(ticket_id=second.pk, user_id=bob.pk)
    assert next_ticket(membership) is None
    claims.hold(ticket_id=first.pk, user_id=membership.user_id)  # the agent's own claim does not hide it
    assert next_ticket(membership) == first


def test_next_ticket_looks_past_a_full_batch_of_held_tickets(membership, bob, place, support):
    held = [place(f"held {n:02}", due=n, department=support) for n in range(26)]
    free = place("free", due=100, department=support)
    for ticket in held:
        claims.hold(ticket_id=ticket.pk, user_id=bob.pk)
    assert next_ticket(membership) == free


def test_a_claim_lapses(membership, bob, place, support, settings):
    from django.core.cache import cache

    first = place("first", due=1, department=support)
    claims.hold(ticket_id=first.pk, user_id=bob.pk)
    cache.delete(f"tosolve:hold:{first.pk}")  # what HOLD_SECONDS without renewal does
    assert next_ticket(membership) == first
    assert claims.HOLD_SECONDS == 90 and claims.RENEW_SECONDS < claims.HOLD_SECONDS


def test_last_agent_mode_prefers_the_tickets_the_agent_answered_last(account, membership, agent, bob, place, support):
    set_work_defaults(account=account, response_minutes=60, to_solve_mode=TO_SOLVE_LAST_AGENT, own_hours=False)
    answered_by_bob = place("bob answered last", due=1, department=support)
    answered_by_me = place("I answered last", due=5, department=support)
    place("nobody answered", due=3, department=support)
    send_reply(ticket=answered_by_me, author=bob, text="Bob first")
    send_reply(ticket=answered_by_me, author=agent, text="Then me")
    send_reply(ticket=answered_by_bob, author=agent, text="Me first")
    send_reply(ticket=answered_by_bob, author=bob, text="Then Bob")
    # Back to waiting, with the due times of the test.
    for ticket in (answered_by_bob, answered_by_me):
        Ticket.objects.filter(pk=ticket.pk).update(status="open", sla_due_at=ticket.sla_due_at)
    assert subjects(membership, TO_SOLVE_LAST_AGENT) == ["I answered last", "nobody answered", "bob answered last"]
    assert subjects(membership) == ["bob answered last", "nobody answered", "I answered last"]  # queue mode
    membership = Membership.objects.select_related("account").get(pk=membership.pk)
    assert next_ticket(membership).subject == "I answered last"
    bob_membership = Membership.objects.select_related("account").get(account=account, user=bob)
    assert next_ticket(bob_membership).subject == "bob answered last"


def test_the_count_is_bounded_and_cached(membership, place, support):
    assert count_waiting(membership) == (0, False)
    place("one", due=1, department=support)
    assert count_waiting(membership) == (0, False)  # cached for a few seconds
    from helpline.tosolve.queue import forget_count

    forget_count(membership)
    assert count_waiting(membership) == (1, False)
    Ticket.objects.bulk_create(
        [
            Ticket(account=t.account, contact=t.contact, subject=f"bulk {n}", code=f"BULK{n:05}", status="new",
                   department=support, last_activity_at=t.last_activity_at)
            for n in range(COUNT_CAP + 1)
            for t in [Ticket.objects.get(subject="one")]
        ]
    )  # fmt: skip
    forget_count(membership)
    assert count_waiting(membership) == (COUNT_CAP, True)


def test_another_accounts_tickets_never_wait_for_the_agent(membership, make_ticket, other_account):
    theirs = make_ticket(other_account, subject="Theirs")
    assert theirs.status == "new" and theirs.department is None
    assert list(waiting_for(membership)) == []
    assert next_ticket(membership) is None


def test_leaving_a_department_empties_its_queue(membership, place, support):
    place("here", due=1, department=support)
    assert subjects(membership) == ["here"]
    set_department_members(department=support, users=[])
    assert subjects(membership) == []
